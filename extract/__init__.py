"""The extraction pipeline: a chain of stages with typed hand-offs.

read -> nlp -> mentions -> resolve -> link -> documents -> figures -> claims -> graph

Each stage is one module with one public function; stages pass the frozen dataclasses of
`archivekg.extract.model`. Only `read` touches input files; every other stage is pure.
`archivekg.extract.pipeline.extract_corpus` runs the chain.
"""
