"""`make bench`: every benchmark in turn, results in bench/results/."""

from bench import coding, quality, speed

if __name__ == "__main__":
    quality.main([])
    quality.main(["--dataset", "example"])
    coding.main([])
    speed.main([])
