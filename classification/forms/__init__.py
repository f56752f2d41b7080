"""Forms of the classification app, one module per page they serve: `drafts` (a request's
draft), `transitions` (the actions on a request and its files), `appeals`, `queue` (saved
filters, returning an analyst's requests) and `simulator` (the standard's simulator)."""
