"""The data a practice keeps: the single table (shaped by the catalogue's TableSpec), the key that
encrypts it, its backups, the practice event bus, the secret that signs page tokens, the evidence bucket
(training certificates), the audit archive (the trail, day by day, under Object Lock) and the bucket of their access
logs."""

from __future__ import annotations

from aws_cdk import Aws, Duration, RemovalPolicy, Stack, Token
from aws_cdk import aws_backup as backup
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra.catalog import TableSpec
from infra.constructs import RETAINED, stack_unique
from infra.nag import acknowledge
from infra.options import BackupCopy, VaultLock

# Medical-record retention is set by state law (commonly 6-10 years); monthly recovery points cover it, on cold
# storage after their first quarter (AWS Backup's advanced DynamoDB features must be on, or it keeps them warm).
MONTHLY_RETENTION = Duration.days(10 * 365)
MONTHLY_COLD_AFTER = Duration.days(90)
# Point-in-time recovery already restores any second of the last 35 days; a week of dailies is the fallback.
DAILY_RETENTION = Duration.days(7)


def evidence_bucket_pattern(stage: str) -> str:
    """What the evidence bucket's name starts with: the stage and the account, then (stack_unique) the data stack's
    id, so a stack made again never meets its retained namesake. IAM names the bucket by this prefix, held to the
    account by `s3:ResourceAccount`, so the service stack's policies need no export of the data stack."""
    return f"practiceflow-{stage}-evidence-{Aws.ACCOUNT_ID}"


# HIPAA keeps documentation six years (45 CFR 164.316(b)(2)): each archived day of the audit trail is locked in
# compliance mode that long from its put (whole years, so leap days count), then kept to the records' horizon.
AUDIT_ARCHIVE_LOCK_YEARS = 6


def audit_archive_bucket_pattern(stage: str) -> str:
    """What the audit archive's name starts with (stage, account, then the data stack's id, as the evidence bucket's);
    IAM names it by this prefix, held to the account by `s3:ResourceAccount`."""
    return f"practiceflow-{stage}-audit-archive-{Aws.ACCOUNT_ID}"


def _string(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


class DataConstruct(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, spec: TableSpec, stage: str,
                 backup_lock: VaultLock | None = None, backup_copy: BackupCopy | None = None) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self, "DataKey",
            alias=f"alias/practiceflow-{stage}-data",
            description="PracticeFlow key: the table, its stream and backups, the page-token secret, and the "
                        "service stack's log groups, dead-letter queues and topics",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
        )

        self.table = dynamodb.Table(
            self, "Table",
            partition_key=_string(spec.pk),
            sort_key=_string(spec.sk),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=self.key,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True),
            deletion_protection=True,
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
            time_to_live_attribute=spec.ttl_attribute,
            removal_policy=RemovalPolicy.RETAIN,
        )
        for index in spec.indexes:
            self.table.add_global_secondary_index(
                index_name=index.name, partition_key=_string(index.pk), sort_key=_string(index.sk),
                projection_type=dynamodb.ProjectionType.ALL,
            )
        self.index_names = tuple(index.name for index in spec.indexes)

        self.bus = events.EventBus(self, "Bus", event_bus_name=f"practiceflow-{stage}")

        self.page_token_secret = secretsmanager.Secret(
            self, "PageTokenSecret",
            description="Signs the opaque page tokens the API hands out, so a client cannot forge a cursor",
            encryption_key=self.key,
            generate_secret_string=secretsmanager.SecretStringGenerator(password_length=64, exclude_punctuation=True),
            removal_policy=RemovalPolicy.RETAIN,
        )
        rotation = ("The page-token key only signs short-lived pagination cursors; rotating it invalidates every "
                    "cursor in flight, so it is rotated by hand (put a new value) rather than on a schedule.")
        acknowledge(self.page_token_secret, "AwsSolutions-SMG4", rotation)
        acknowledge(self.page_token_secret, "HIPAA.Security-SecretsManagerRotationEnabled", rotation)

        self._backups(stage, backup_lock, backup_copy)
        self._evidence(stage)
        self._audit_archive(stage)

    def _evidence(self, stage: str) -> None:
        """Training certificates, uploaded by presigned PUT: encrypted with the data key, TLS only, never public,
        versioned (an overwrite keeps the certificate a completion named), every request logged."""
        self.evidence_logs = s3.Bucket(
            self, "EvidenceAccessLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,  # S3 server access logging writes SSE-S3 objects only
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            versioned=True,
            lifecycle_rules=[s3.LifecycleRule(id="KeepAccessLogsSixYears", expiration=Duration.days(6 * 365),
                                              noncurrent_version_expiration=Duration.days(30))],
            removal_policy=RemovalPolicy.RETAIN,
        )
        logs_reason = ("The evidence bucket's server access logs are written by the S3 logging service, which "
                       "supports SSE-S3 only, not a customer-managed KMS key.")
        acknowledge(self.evidence_logs, "HIPAA.Security-S3DefaultEncryptionKMS", logs_reason)
        self.evidence_bucket = self._practice_bucket(
            "EvidenceBucket", evidence_bucket_pattern(stage),
            s3.LifecycleRule(
                id="TidyVersionsAndUploads", abort_incomplete_multipart_upload_after=Duration.days(1),
                noncurrent_version_expiration=Duration.days(90),
                # training records are kept as long as medical records are (see MONTHLY_RETENTION)
                expiration=MONTHLY_RETENTION))
        self._log_requests(self.evidence_bucket, "evidence", "S3ServerAccessLogsOfTheEvidenceBucket")
        replication = ("Training certificates are staff records, not patient data; the bucket is versioned and "
                       "retained, and cross-region replication is a deployment choice left to the practice.")
        for bucket in (self.evidence_bucket, self.evidence_logs):
            acknowledge(bucket, "HIPAA.Security-S3BucketReplicationEnabled", replication)

    def _practice_bucket(self, construct_id: str, name_prefix: str, lifecycle: s3.LifecycleRule,
                         **more) -> s3.Bucket:
        """A bucket of practice files: the data key, TLS only, never public, owner-enforced, versioned, retained,
        named by prefix and the stack's id (IAM names it by the prefix)."""
        return s3.Bucket(
            self, construct_id, bucket_name=stack_unique(self, name_prefix),
            encryption=s3.BucketEncryption.KMS, encryption_key=self.key, bucket_key_enabled=True,
            enforce_ssl=True, block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED, versioned=True,
            lifecycle_rules=[lifecycle], removal_policy=RemovalPolicy.RETAIN, **more)

    def _log_requests(self, bucket: s3.Bucket, prefix: str, sid: str) -> None:
        """Server access logs to the log bucket under `prefix`, delivered under its policy, not an ACL (S3's
        advice; cfn-lint W3045)."""
        bucket.node.default_child.logging_configuration = s3.CfnBucket.LoggingConfigurationProperty(
            destination_bucket_name=self.evidence_logs.bucket_name, log_file_prefix=f"{prefix}/")
        self.evidence_logs.add_to_resource_policy(iam.PolicyStatement(
            sid=sid, principals=[iam.ServicePrincipal("logging.s3.amazonaws.com")], actions=["s3:PutObject"],
            resources=[self.evidence_logs.arn_for_objects(f"{prefix}/*")],
            conditions={"ArnLike": {"aws:SourceArn": bucket.bucket_arn},
                        "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}}))

    def _audit_archive(self, stage: str) -> None:
        """The audit trail, archived daily (compliance-jobs' archive_audit_trail): Object Lock in compliance mode
        (not even the account's root can delete or shorten it), the bucket's default retention on every object so the
        job needs no retention permission, the data key, TLS only, never public, versioned (Object Lock's own
        requirement), every request logged beside the evidence bucket's."""
        self.audit_archive = self._practice_bucket(
            "AuditArchive", audit_archive_bucket_pattern(stage),
            s3.LifecycleRule(
                id="ExpireAfterTheRecordsHorizon", abort_incomplete_multipart_upload_after=Duration.days(1),
                # past the lock, kept as long as medical records and backups are (MONTHLY_RETENTION); the version a
                # delete marker leaves behind goes a day later
                expiration=MONTHLY_RETENTION, noncurrent_version_expiration=Duration.days(1)),
            object_lock_enabled=True)
        self.audit_archive.node.default_child.object_lock_configuration = s3.CfnBucket.ObjectLockConfigurationProperty(
            object_lock_enabled="Enabled",
            rule=s3.CfnBucket.ObjectLockRuleProperty(default_retention=s3.CfnBucket.DefaultRetentionProperty(
                mode="COMPLIANCE", years=AUDIT_ARCHIVE_LOCK_YEARS)))
        self._log_requests(self.audit_archive, "audit-archive", "S3ServerAccessLogsOfTheAuditArchive")
        # a part is written once: a put that does not ask S3 to refuse when an object is there would add a second
        # version of an archived day (Object Lock keeps both; a reader would have to choose)
        self.audit_archive.add_to_resource_policy(iam.PolicyStatement(
            sid="ArchivedPartsAreWrittenOnce", effect=iam.Effect.DENY, principals=[iam.AnyPrincipal()],
            actions=["s3:PutObject"], resources=[self.audit_archive.arn_for_objects("*")],
            conditions={"Null": {"s3:if-none-match": "true"}}))
        acknowledge(self.audit_archive, "HIPAA.Security-S3BucketReplicationEnabled",
                    "The archive is a second copy of the audit trail the table keeps (with its backups); "
                    "cross-region replication of the locked objects is a deployment choice left to the practice.")

    def _backups(self, stage: str, lock: VaultLock | None, copy: BackupCopy | None) -> None:
        """Daily and monthly recovery points beside point-in-time recovery (which reaches back 35 days only); from
        the stage's options, the vault locked and the monthlies copied to a vault in another region."""
        # names CloudFormation cannot generate: the stack's id makes them new for a stack made again, and a first
        # deploy that rolls back takes its (empty) vault with it
        vault = backup.BackupVault(
            self, "BackupVault",
            backup_vault_name=stack_unique(self, f"practiceflow-{stage}"),
            encryption_key=self.key,
            removal_policy=RETAINED,
            lock_configuration=self._vault_lock(lock) if lock else None,
        )
        plan = backup.BackupPlan(self, "BackupPlan", backup_plan_name=stack_unique(self, f"practiceflow-{stage}"),
                                 backup_vault=vault)
        plan.add_rule(backup.BackupPlanRule(
            rule_name="Daily", delete_after=DAILY_RETENTION,
            schedule_expression=events.Schedule.cron(hour="5", minute="0"),
        ))
        plan.add_rule(backup.BackupPlanRule(
            rule_name="Monthly", delete_after=MONTHLY_RETENTION, move_to_cold_storage_after=MONTHLY_COLD_AFTER,
            schedule_expression=events.Schedule.cron(day="1", hour="5", minute="0"),
            copy_actions=[self._copy_to(copy)] if copy else None,
        ))
        role = iam.Role(
            self, "BackupRole",
            assumed_by=iam.ServicePrincipal("backup.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AWSBackupServiceRolePolicyForBackup"),
                iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AWSBackupServiceRolePolicyForRestores"),
            ],
        )
        plan.add_selection("Table", resources=[backup.BackupResource.from_dynamo_db_table(self.table)], role=role)
        for policy in ("AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"):
            acknowledge(
                role, f"AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/{policy}]",
                "AWS Backup's own service-role policy, maintained by AWS as the service gains resource types; "
                "the role can be assumed only by backup.amazonaws.com.",
            )

    def _vault_lock(self, lock: VaultLock) -> backup.LockConfiguration:
        """Compliance mode once `changeable_for` has passed. The range must hold every recovery point the plan makes:
        AWS Backup refuses to create one whose lifetime falls outside it (the dailies are the shortest, the monthlies
        the longest)."""
        if lock.min_days > DAILY_RETENTION.to_days() or lock.max_days < MONTHLY_RETENTION.to_days():
            raise ValueError(f"backup vault lock {lock.min_days}..{lock.max_days} days must hold the plan's recovery "
                             f"points: min-days at most {DAILY_RETENTION.to_days()} (the dailies), max-days at least "
                             f"{MONTHLY_RETENTION.to_days()} (the monthlies)")
        return backup.LockConfiguration(min_retention=Duration.days(lock.min_days),
                                        max_retention=Duration.days(lock.max_days),
                                        changeable_for=Duration.days(lock.changeable_for_days))

    def _copy_to(self, copy: BackupCopy) -> backup.BackupPlanCopyActionProps:
        """Each monthly recovery point also copied to the operator's vault in another region (a regional outage or a
        lost region leaves the practice its monthlies), kept and moved to cold storage as the original is."""
        region = Stack.of(self).region
        if not Token.is_unresolved(region) and region == copy.region:
            raise ValueError(f"backup copy region {copy.region} is this stack's own: name another region")
        return backup.BackupPlanCopyActionProps(
            destination_backup_vault=backup.BackupVault.from_backup_vault_arn(self, "BackupCopyVault", copy.vault_arn),
            delete_after=MONTHLY_RETENTION, move_to_cold_storage_after=MONTHLY_COLD_AFTER)
