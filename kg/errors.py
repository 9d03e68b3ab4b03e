"""One small error hierarchy per layer. Each error carries what it concerns (a file, a
record, a request) so the CLI can print one clear line; only the CLI turns them into exit
codes."""

from __future__ import annotations


class KGError(Exception):
    """Base of every error the tool reports to a user as one line."""

    def __init__(self, message: str, *, where: str | None = None):
        super().__init__(message)
        self.message = message
        self.where = where  # a file path, URL, NCT id or PMID

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class SourceError(KGError):
    """An input file or record could not be read or parsed."""


class TrialParseError(SourceError):
    """A trial page or study JSON is malformed, empty, truncated or not a study."""


class PubMedParseError(SourceError):
    """A PubMed XML document (EFetch answer or NLM file) is malformed, truncated, not PubMed,
    or holds a record that cannot be parsed."""


class NetworkError(KGError):
    """A live call failed after its retries (HTTP error, time-out, unreachable host)."""


class CTGovError(NetworkError):
    """ClinicalTrials.gov answered with an error, or not at all."""


class NotFoundError(KGError):
    """A well-formed identifier that the source does not know (e.g. an unknown NCT id)."""


class EntrezError(NetworkError):
    """NCBI E-utilities answered with an error payload, an unusable body, or not at all."""


class OfflineMiss(KGError):
    """Offline mode was asked for records that neither the snapshot nor the cache holds."""

    def __init__(self, message: str, *, missing: list[str], where: str | None = None):
        super().__init__(message, where=where)
        self.missing = missing


class ValidationError(KGError):
    """The graph does not conform to the SHACL shapes."""


class QueryError(KGError):
    """A SPARQL query is malformed, unknown, or given bad parameters."""


class StoreError(KGError):
    """A store could not be opened, read or written."""


class PatientParseError(SourceError):
    """A patient file is not a FHIR Bundle or profile, or has no usable patient."""
