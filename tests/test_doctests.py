"""The `Example:` sections of the public docstrings run and stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["dedup", "dedup._arrays", "dedup.normalize", "dedup.record", "dedup.shingle", "dedup.minhash",
           "dedup.lsh", "dedup.verify", "dedup.features", "dedup.cluster", "dedup.engine", "dedup.related",
           "dedup.report", "dedup.progress", "dedup.dates", "dedup.io", "dedup.segment"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
