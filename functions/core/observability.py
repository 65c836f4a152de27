"""Logger and Metrics, set up once. Log ids and codes, never names, birth dates or free text: nothing
here logs an event body, and errors are logged by type and place, not by message.

Tracing is Lambda's active X-Ray tracing, set in the CDK stack, without the X-Ray SDK in-process: the
SDK builds two botocore clients for centralised sampling when imported, which measured about 200 ms
of every cold start (more than boto3's own import), for subsegments Lambda does not sample by anyway.
"""

import traceback
import warnings

from aws_lambda_powertools import Logger, Metrics

# A request that records no metric is normal here; Powertools would warn on every one of them.
warnings.filterwarnings("ignore", message="No application metrics to publish")

logger = Logger(log_uncaught_exceptions=False)
metrics = Metrics(namespace="PracticeFlow")


def log_unhandled(error: BaseException) -> None:
    """An unexpected error: where it happened, without its message (which may quote patient data)."""
    frames = [f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in traceback.extract_tb(error.__traceback__)]
    logger.error("unhandled error", extra={"error_type": type(error).__name__, "frames": frames[-8:]})
