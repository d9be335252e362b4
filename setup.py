"""Builds the compiled search core; everything else is declared in pyproject.toml."""

from pybind11.setup_helpers import Pybind11Extension, build_ext
from setuptools import setup

setup(
    ext_modules=[
        Pybind11Extension(
            "homecare.rounds._search",
            ["src/homecare/rounds/csrc/bindings.cpp"],
            include_dirs=["src/homecare/rounds/csrc"],
            cxx_std=17,
            extra_compile_args=["-O3"],
        )
    ],
    cmdclass={"build_ext": build_ext},
)
