"""Test support: an in-memory Confluent Cloud emulator served over loopback HTTP."""
