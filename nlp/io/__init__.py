"""Reading and writing tabular files (JSONL, CSV, TSV, Parquet, xlsx), shared by training and
serving: the `Format` of a file (`formats`), its encoding and real kind from its first bytes
(`sniff`), and its rows, every one returned, bad ones with their reason (`rows`).

It lives in `nlp` because both sides already depend on `nlp` and `nlp` on neither: serving reads
archives without importing training code. Only the core dependencies (pyarrow, openpyxl,
charset-normalizer) are needed, each imported where used.
"""
