"""`make bench`: every benchmark in turn, results in bench/results/."""

from bench import (active_learning, app_speed, browser_coding, calibration, coding, coding_example, keyword_lemmas, nynorsk,
                   privacy, quality, ray_scaling, speed)

if __name__ == "__main__":
    quality.main([])
    quality.main(["--dataset", "example"])
    coding.main([])
    coding_example.main([])
    calibration.main([])
    active_learning.main([])
    nynorsk.main([])
    keyword_lemmas.main([])
    keyword_lemmas.main(["--dataset", "example"])
    privacy.main([])
    app_speed.main([])
    browser_coding.main([])
    speed.main([])
    ray_scaling.main([])
