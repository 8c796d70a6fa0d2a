// Package nag applies cdk-nag's rule packs (Apply) and records why a rule
// does not apply to a resource (Suppress). Every suppression in this
// project goes through Suppress, so each one carries its reason in the
// template's metadata, where reviewers and auditors read it.
package nag

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// Apply runs cdk-nag's AwsSolutions and Serverless rule packs, verbose, on
// scope (an app or a stack) and everything in it when it is synthesized.
// A finding that is neither fixed nor suppressed with Suppress is an error
// annotation, which fails `cdk synth`; each pack also writes a
// <Pack>--<Stack>-NagReport.csv into the cloud assembly.
func Apply(scope constructs.IConstruct) {
	awscdk.Aspects_Of(scope).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	awscdk.Aspects_Of(scope).Add(cdknag.NewServerlessChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
}

// Suppress exempts construct and its children from rule for the findings
// listed in appliesTo (all of them if none is listed). A string in
// appliesTo matches a finding exactly; a cdknag.RegexAppliesTo by pattern.
func Suppress(construct constructs.IConstruct, rule, reason string, appliesTo ...interface{}) {
	s := &cdknag.NagPackSuppression{Id: jsii.String(rule), Reason: jsii.String(reason)}
	if len(appliesTo) > 0 {
		s.AppliesTo = &appliesTo
	}
	cdknag.NagSuppressions_AddResourceSuppressions(construct, &[]*cdknag.NagPackSuppression{s}, jsii.Bool(true))
}

// Pattern matches findings by regular expression, for Suppress; regex is
// written as cdk-nag expects it, between slashes: "/^Resource::.*$/".
func Pattern(regex string) interface{} {
	return &cdknag.RegexAppliesTo{Regex: jsii.String(regex)}
}

// ObjectsFinding is how cdk-nag names a grant on the objects under prefix
// of a bucket defined in this app: Resource::<LogicalId.Arn>/prefix*.
func ObjectsFinding(bucket awss3.IBucket, prefix string) string {
	return "Resource::<" + LogicalID(bucket) + ".Arn>/" + prefix + "*"
}

// LogicalID is the CloudFormation logical id of a construct's resource.
func LogicalID(c constructs.IConstruct) string {
	element, ok := c.Node().DefaultChild().(awscdk.CfnElement)
	if !ok {
		return *c.Node().Id()
	}
	return *awscdk.Stack_Of(c).GetLogicalId(element)
}
