#!/usr/bin/env python3
"""A Mastodon server on AWS, from Python: the same deployment as the TypeScript example.

    pip install cdk-mastodon aws-cdk-lib constructs
    cdk synth --app "python3 app.py"        # or: python3 app.py (writes to $CDK_OUTDIR)

`python3 app.py --invalid` asks for a one-host web fleet, which cdk-mastodon refuses with an
exception that says why and what to do instead.
"""
import sys

from aws_cdk import App, CfnOutput, Stack
from aws_cdk import aws_route53 as route53
from cdk_mastodon import MastodonSocial, MastodonWebFleetOptions


def build_stack(app: App, *, web_min_capacity: int | None = None) -> Stack:
    stack = Stack(
        app,
        "MastodonExample",
        description="cdk-mastodon example: a complete Mastodon server for social.example.com",
    )
    # A placeholder zone: no lookup, so the app synthesizes anywhere. Replace it with yours.
    hosted_zone = route53.PublicHostedZone.from_hosted_zone_attributes(
        stack,
        "Zone",
        hosted_zone_id="Z0123456789EXAMPLE",
        zone_name="example.com",
    )
    mastodon = MastodonSocial(
        stack,
        "Mastodon",
        domain="social.example.com",
        hosted_zone=hosted_zone,
        web_fleet=(
            MastodonWebFleetOptions(min_capacity=web_min_capacity)
            if web_min_capacity is not None
            else None
        ),
    )
    CfnOutput(stack, "LoadBalancerDnsName", value=mastodon.edge.load_balancer.load_balancer_dns_name)
    CfnOutput(stack, "MediaBucketName", value=mastodon.database.media_bucket.bucket_name)
    return stack


def main(argv: list[str]) -> None:
    app = App()
    build_stack(app, web_min_capacity=1 if "--invalid" in argv else None)
    app.synth()


if __name__ == "__main__":
    main(sys.argv[1:])
