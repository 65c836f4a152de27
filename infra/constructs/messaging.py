"""What comes in from outside by SNS (the catalogue's topics: email bounces and complaints, patients' SMS
replies) and the SES configuration set that routes bounces to the first of them."""

from __future__ import annotations

from aws_cdk import Aws
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from infra.catalog import Catalog
from infra.constructs import pascal

# the topic SES sends bounce and complaint notifications to
EMAIL_FEEDBACK_TOPIC = "email-feedback"


def configuration_set_name(catalog: Catalog, stage: str) -> str | None:
    """The SES configuration set emails are sent with (there is one when bounces have a topic to go to); named
    up front so the senders' roles can be allowed to use it before it is built."""
    return f"practiceflow-{stage}" if any(t.name == EMAIL_FEEDBACK_TOPIC for t in catalog.topics) else None


class MessagingConstruct(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, catalog: Catalog, stage: str,
                 functions: dict[str, lambda_.IFunction], ops_key: kms.IKey) -> None:
        super().__init__(scope, construct_id)
        self.topics: dict[str, sns.Topic] = {}
        for spec in catalog.topics:
            topic = sns.Topic(self, pascal(spec.name), topic_name=f"practiceflow-{stage}-{spec.name}",
                              display_name=spec.description[:100], master_key=ops_key, enforce_ssl=True)
            only_ours = {"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}}
            topic.add_to_resource_policy(iam.PolicyStatement(
                sid="ServicePublishes", principals=[iam.ServicePrincipal(spec.publisher)],
                actions=["sns:Publish"], resources=[topic.topic_arn], conditions=only_ours,
            ))
            ops_key.add_to_resource_policy(iam.PolicyStatement(
                sid=f"{pascal(spec.name)}PublisherEncrypts", principals=[iam.ServicePrincipal(spec.publisher)],
                actions=["kms:GenerateDataKey*", "kms:Decrypt"], resources=["*"],  # "*": this key
                conditions=only_ours,
            ))
            for subscriber in spec.subscribers:
                topic.add_subscription(subscriptions.LambdaSubscription(functions[subscriber]))
            self.topics[spec.name] = topic

        self.configuration_set: ses.ConfigurationSet | None = None
        if (name := configuration_set_name(catalog, stage)) is not None:
            self.configuration_set = ses.ConfigurationSet(
                self, "Sending", configuration_set_name=name,
                sending_enabled=True, reputation_metrics=True,
            )
            self.configuration_set.add_event_destination(
                "Feedback",
                destination=ses.EventDestination.sns_topic(self.topics[EMAIL_FEEDBACK_TOPIC]),
                events=[ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
            )
