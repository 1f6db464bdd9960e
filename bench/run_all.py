"""`make bench`: every benchmark in turn, results in bench/results/."""

from bench import app_speed, browser_coding, coding, coding_example, keyword_lemmas, nynorsk, privacy, quality, speed

if __name__ == "__main__":
    quality.main([])
    quality.main(["--dataset", "example"])
    coding.main([])
    coding_example.main([])
    nynorsk.main([])
    keyword_lemmas.main([])
    keyword_lemmas.main(["--dataset", "example"])
    privacy.main([])
    app_speed.main([])
    browser_coding.main([])
    speed.main([])
