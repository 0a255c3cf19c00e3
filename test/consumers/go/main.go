// A Mastodon server on AWS, from Go: the same deployment as the TypeScript example.
//
//	go run .            # writes the cloud assembly to $CDK_OUTDIR (or: cdk synth --app "go run .")
//	go run . -invalid   # asks for a one-host web fleet, which cdk-mastodon refuses
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk-mastodon/cdk-mastodon-go/cdkmastodon"
)

// NewMastodonStack builds the example stack. A construct library reports an invalid
// configuration by throwing; jsii turns that into a panic in Go, which this function returns
// as an error instead.
func NewMastodonStack(app awscdk.App, webFleet *cdkmastodon.MastodonWebFleetOptions) (stack awscdk.Stack, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()

	stack = awscdk.NewStack(app, jsii.String("MastodonExample"), &awscdk.StackProps{
		Description: jsii.String("cdk-mastodon example: a complete Mastodon server for social.example.com"),
	})
	// A placeholder zone: no lookup, so the app synthesizes anywhere. Replace it with yours.
	hostedZone := awsroute53.PublicHostedZone_FromHostedZoneAttributes(stack, jsii.String("Zone"), &awsroute53.HostedZoneAttributes{
		HostedZoneId: jsii.String("Z0123456789EXAMPLE"),
		ZoneName:     jsii.String("example.com"),
	})
	mastodon := cdkmastodon.NewMastodonSocial(stack, jsii.String("Mastodon"), &cdkmastodon.MastodonSocialProps{
		Domain:     jsii.String("social.example.com"),
		HostedZone: hostedZone,
		WebFleet:   webFleet,
	})
	awscdk.NewCfnOutput(stack, jsii.String("LoadBalancerDnsName"), &awscdk.CfnOutputProps{
		Value: mastodon.Edge().LoadBalancer().LoadBalancerDnsName(),
	})
	awscdk.NewCfnOutput(stack, jsii.String("MediaBucketName"), &awscdk.CfnOutputProps{
		Value: mastodon.Database().MediaBucket().BucketName(),
	})
	return stack, nil
}

func run(invalid bool) error {
	app := awscdk.NewApp(nil)
	var webFleet *cdkmastodon.MastodonWebFleetOptions
	if invalid {
		webFleet = &cdkmastodon.MastodonWebFleetOptions{MinCapacity: jsii.Number(1)}
	}
	if _, err := NewMastodonStack(app, webFleet); err != nil {
		return err
	}
	app.Synth(nil)
	return nil
}

func main() {
	invalid := flag.Bool("invalid", false, "ask for a one-host web fleet (refused)")
	flag.Parse()
	err := run(*invalid)
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
	}
	jsii.Close()
	if err != nil {
		os.Exit(1)
	}
}
