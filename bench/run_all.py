"""`make bench`: every benchmark in turn, results in bench/results/."""

from bench import coding, coding_example, quality, speed

if __name__ == "__main__":
    quality.main([])
    quality.main(["--dataset", "example"])
    coding.main([])
    coding_example.main([])
    speed.main([])
