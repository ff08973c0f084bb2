"""Tests of drafting: the readers of each document format, and the drafting from them."""
