"""How many examples a property draws: the count a test names, scaled by the active hypothesis profile.

A test writes ``@settings(max_examples=examples(300))``. Its count is a weight at hypothesis's
own depth (the 100 examples of hypothesis's default profile); the active profile's
``max_examples`` sets the scale, so one switch deepens or lightens every property at once and
a test without a count of its own moves with the rest. test/conftest.py registers the profiles:

* ``dev``, loaded for an everyday ``./dev test``: a quarter of each count, drawn at random;
* ``ci``, loaded when CI is set (``.ci/run`` sets it): each test's full count, derandomized
  (the same draws on every run);
* ``deep`` (``./dev test --hypothesis-profile=deep``): ten times each count, for a search before
  a release or after changing the code a property guards.

A count is never scaled below ``FLOOR`` examples (or below itself, if smaller): every property
still tries a handful of inputs. The count is read when the test module is imported, after
pytest has loaded the profile.
"""

from __future__ import annotations

from hypothesis import settings

HYPOTHESIS_DEPTH = 100  # max_examples of hypothesis's default profile: a count's scale 1
FLOOR = 10


def examples(count: int) -> int:
    """``count`` examples at hypothesis's default depth, scaled to the active profile."""
    scaled = round(count * settings.default.max_examples / HYPOTHESIS_DEPTH)
    return max(scaled, min(count, FLOOR))
