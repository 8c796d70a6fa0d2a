package cfn

import (
	"encoding/json"
	"strings"
)

// The account and region that placeholder ARNs live in.
const (
	PlaceholderAccount   = "123456789012"
	PlaceholderRegion    = "us-east-1"
	PlaceholderPartition = "aws"
)

// Placeholders resolves references to stable, realistic values derived from
// the logical id and the resource's type: a Lambda function's Arn becomes
// arn:aws:lambda:us-east-1:123456789012:function:<LogicalId>, a table's Ref
// its name <LogicalId>, and so on. The same template always gives the same
// definition, and task resources keep the shape AWS gives them.
type Placeholders struct {
	Template *Template
}

var _ Resolver = Placeholders{}

// Ref implements Resolver.
func (p Placeholders) Ref(id string) string {
	switch id {
	case "AWS::Region":
		return PlaceholderRegion
	case "AWS::AccountId":
		return PlaceholderAccount
	case "AWS::Partition":
		return PlaceholderPartition
	case "AWS::URLSuffix":
		return "amazonaws.com"
	case "AWS::NoValue":
		return ""
	}
	switch p.resourceType(id) {
	case "AWS::SNS::Topic", "AWS::StepFunctions::StateMachine":
		return p.GetAtt(id, "Arn")
	case "AWS::SQS::Queue":
		return "https://sqs." + PlaceholderRegion + ".amazonaws.com/" + PlaceholderAccount + "/" + id
	case "AWS::S3::Bucket":
		return strings.ToLower(id)
	}
	return id
}

// GetAtt implements Resolver.
func (p Placeholders) GetAtt(id, attr string) string {
	region, account := PlaceholderRegion, PlaceholderAccount
	typ := p.resourceType(id)
	if !strings.HasSuffix(attr, "Arn") {
		switch {
		case typ == "AWS::SQS::Queue" && attr == "QueueUrl":
			return p.Ref(id)
		case typ == "AWS::S3::Bucket" && attr == "RegionalDomainName":
			return strings.ToLower(id) + ".s3." + region + ".amazonaws.com"
		}
		return id
	}
	switch typ {
	case "AWS::Lambda::Function":
		return "arn:aws:lambda:" + region + ":" + account + ":function:" + id
	case "AWS::DynamoDB::Table":
		return "arn:aws:dynamodb:" + region + ":" + account + ":table/" + id
	case "AWS::SNS::Topic":
		return "arn:aws:sns:" + region + ":" + account + ":" + id
	case "AWS::SQS::Queue":
		return "arn:aws:sqs:" + region + ":" + account + ":" + id
	case "AWS::S3::Bucket":
		return "arn:aws:s3:::" + strings.ToLower(id)
	case "AWS::StepFunctions::StateMachine":
		return "arn:aws:states:" + region + ":" + account + ":stateMachine:" + id
	case "AWS::IAM::Role":
		return "arn:aws:iam::" + account + ":role/" + id
	case "AWS::KMS::Key":
		return "arn:aws:kms:" + region + ":" + account + ":key/" + id
	case "AWS::Logs::LogGroup":
		return "arn:aws:logs:" + region + ":" + account + ":log-group:" + id + ":*"
	case "AWS::Events::EventBus":
		return "arn:aws:events:" + region + ":" + account + ":event-bus/" + id
	case "AWS::Glue::Job":
		return "arn:aws:glue:" + region + ":" + account + ":job/" + id
	case "AWS::Athena::WorkGroup":
		return "arn:aws:athena:" + region + ":" + account + ":workgroup/" + id
	}
	return "arn:aws:cloudformation:" + region + ":" + account + ":resource/" + id
}

func (p Placeholders) resourceType(id string) string {
	if p.Template == nil {
		return ""
	}
	return p.Template.Resources[id].Type
}

// Names resolves references to readable names for review: ${OrderTable}
// for a Ref and ${OrderTable.Arn} for a Fn::GetAtt; pseudo parameters keep
// their AWS:: names.
type Names struct{}

var _ Resolver = Names{}

// Ref implements Resolver.
func (Names) Ref(id string) string { return "${" + id + "}" }

// GetAtt implements Resolver.
func (Names) GetAtt(id, attr string) string { return "${" + id + "." + attr + "}" }

// Unresolved implements Lenient: an intrinsic function Names cannot
// resolve reads as itself, ${Fn::ImportValue SharedTableArn}, so a
// definition that uses one still renders. The text is safe inside the JSON
// string the token stands in.
func (Names) Unresolved(fn string, arg any) string {
	b, _ := json.Marshal(arg)
	inner := strings.Trim(string(b), `"`)
	inner = strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(inner)
	return "${" + fn + " " + inner + "}"
}
