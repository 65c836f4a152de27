"""Secrets fetched once per container from Secrets Manager (moto locally), never from plain env."""


import boto3

from functions.core.container import per_container
from functions.core.settings import settings


@per_container
def page_token_key() -> bytes:
    response = boto3.client("secretsmanager").get_secret_value(SecretId=settings().page_token_secret_arn)
    return response["SecretString"].encode()
