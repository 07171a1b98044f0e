"""The public verification answers, kept a few seconds per process.

A licence's signed bytes never change and its status changes only on revocation or at the end
of its validity, so the answer to "is this licence genuine and valid" can be reused for
`ONETRIP_LICENCE_VERIFY_CACHE_SECONDS` (default 5; 0 turns the cache off). A revocation drops
the entry in its own process at once; other processes answer "valid" for at most that long
(docs/decisions/0012-write-behind.md). Every verification is still audited.
"""

from onetrip.core.processcache import ProcessCache

answers = ProcessCache("ONETRIP_LICENCE_VERIFY_CACHE_SECONDS")
get, put, forget = answers.get, answers.put, answers.forget
