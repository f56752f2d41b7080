"""Operations scripts (backups, benchmarks): plain programs run by the Makefile, importable by tests."""
