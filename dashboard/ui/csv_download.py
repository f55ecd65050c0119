"""The response of every CSV export: checked and begun before the first byte is sent, never cached.

The query runs and the first rows are read before the response starts, so a refusal or a bad filter is an error
status, not a `200` with an empty file. A failure after that ends the connection without the end of the file (the
server closes it mid-body), so a download is never a cut-off file that looks whole.
"""

from collections.abc import Callable, Iterator
from contextlib import ExitStack

from fastapi import HTTPException
from fastapi.responses import StreamingResponse
from sqlmodel import Session

from dashboard.db import Database
from dashboard.domain.errors import DomainError
from dashboard.ui.io_bound import io_bound

EXPORT_HEADERS = {'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff'}
BYTE_ORDER_MARK = '\ufeff'  # so that spreadsheet programs read the file as UTF-8


async def csv_download(db: Database, open_rows: Callable[[Session], Iterator[str]], filename: str
                       ) -> StreamingResponse:
    """`open_rows(session)` gives the file's text in chunks; it is read on worker threads, off the event loop."""
    try:
        chunks = await io_bound(_begin, db, open_rows)
    except DomainError as error:
        raise HTTPException(status_code=403, detail=str(error)) from error
    except (ValueError, OverflowError) as error:
        raise HTTPException(status_code=400, detail='This export cannot be made with these filters.') from error
    return StreamingResponse(chunks, media_type='text/csv; charset=utf-8',
                             headers={**EXPORT_HEADERS, 'Content-Disposition': f'attachment; filename="{filename}"'})


def _begin(db: Database, open_rows: Callable[[Session], Iterator[str]]) -> Iterator[str]:
    stack = ExitStack()
    try:
        chunks = open_rows(stack.enter_context(db.session()))
        first = next(chunks, '')
    except BaseException:
        stack.close()
        raise
    return _stream(stack, first, chunks)


def _stream(stack: ExitStack, first: str, chunks: Iterator[str]) -> Iterator[str]:
    with stack:
        yield BYTE_ORDER_MARK + first
        yield from chunks
