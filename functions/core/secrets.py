"""Secrets fetched once per container from Secrets Manager (moto locally), never from plain env."""

from functools import cache

import boto3

from functions.core.settings import settings


@cache
def page_token_key() -> bytes:
    response = boto3.client("secretsmanager").get_secret_value(SecretId=settings().page_token_secret_arn)
    return response["SecretString"].encode()
