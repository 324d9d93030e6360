"""Tools for the people who build and run the site, not part of the product:
benchmarks, synthetic cohorts (also the demo's), load-test seeding, and the
pathological derivation inputs the benchmarks and tests share.

An app of its own only so that Django finds its management commands; it has
no models, URLs or templates, and nothing in `lessons` imports it (the demo
runs make_cohort as a command)."""
