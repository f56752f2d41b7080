"""Reading a download the way a spreadsheet would: CSVs are streamed and start with a BOM."""

import csv
import io


def download_bytes(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def download_text(response) -> str:
    return download_bytes(response).decode("utf-8-sig")


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(download_text(response))))
