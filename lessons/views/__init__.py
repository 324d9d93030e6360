"""Thin views: HTTP in, one service or selector call, a template out.

pages: the catalogue, sign-up and account pages, health; quiz: taking a
quiz, results, progress and review; instructor: the cohort pages and exports.
"""
