"""Hypothesis profiles: `ci` (bounded, the default and what .ci/run uses) and
`thorough` (HYPOTHESIS_PROFILE=thorough python -m pytest). The `ci` profile
is derandomised; tests/functions/test_ops.py seeds each op spec from its name so that
specs sharing a strategy still see different cases. The filter_too_much
health check stays on: a strategy that throws most draws away is a bug."""
import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=12, deadline=None, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile(
    "thorough", max_examples=300, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# `device`: a few examples per op, for the op table on a GPU within minutes (benchmarks/gpu_check.sh).
settings.register_profile(
    "device", max_examples=4, deadline=None, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
