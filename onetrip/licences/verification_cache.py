"""What never changes in a licence's public verification answer (the signed bytes, the check
of the signature, the names of type and issuer), kept per process for
`ONETRIP_LICENCE_VERIFY_CACHE_SECONDS` (default 300; 0 turns the cache off). Whether the licence
is revoked is read on every call (docs/decisions/0012-write-behind.md). Every verification is
still audited.
"""

from onetrip.core.processcache import ProcessCache

answers = ProcessCache("ONETRIP_LICENCE_VERIFY_CACHE_SECONDS")
get, put, forget = answers.get, answers.put, answers.forget
