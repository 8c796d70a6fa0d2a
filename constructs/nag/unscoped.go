package nag

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/internal/policydoc"
)

// Unscoped is the list of actions a role may be granted on Resource "*",
// each for a stated reason: actions such as X-Ray's PutTraceSegments or
// Rekognition's DetectLabels support no resource-level permissions.
//
// cdk-nag's AwsSolutions-IAM5 reports such a grant as "Resource::*",
// whatever its actions, so suppressing that finding on a role would also
// hide a later grant of any other action on "*". Unscoped suppresses the
// finding on the role and, in exchange, fails synthesis when the role's
// policies grant on "*" an action it does not list.
type Unscoped struct {
	role    awsiam.IRole
	actions []string
}

// NewUnscoped guards role: until Allow lists an action, any grant on
// Resource "*" in the role's own policies fails synthesis.
func NewUnscoped(role awsiam.IRole) *Unscoped {
	u := &Unscoped{role: role}
	role.Node().AddValidation(u)
	return u
}

// Allow lets the role be granted actions on Resource "*" and suppresses
// AwsSolutions-IAM5's "Resource::*" finding on it with reason, which must
// say why these actions cannot be scoped. Actions match case-insensitively,
// as IAM matches them.
func (u *Unscoped) Allow(reason string, actions ...string) {
	for _, a := range actions {
		u.actions = append(u.actions, strings.ToLower(a))
	}
	Suppress(u.role, "AwsSolutions-IAM5", fmt.Sprintf("%s (%s on Resource *; any other action on * fails synthesis)", reason, strings.Join(actions, ", ")), "Resource::*")
}

// Validate reports every action the role's policies grant on Resource "*"
// that Allow did not list. It implements constructs.IValidation.
func (u *Unscoped) Validate() *[]*string {
	var problems []*string
	// A role made here keeps its grants in DefaultPolicy; an imported one
	// in Policy.
	for _, id := range []string{"DefaultPolicy", "Policy"} {
		policy, ok := u.role.Node().TryFindChild(jsii.String(id)).(awsiam.Policy)
		if !ok || policy == nil {
			continue
		}
		doc := awscdk.Stack_Of(policy).Resolve(policy.Document())
		for _, action := range UnscopedActions(doc) {
			if !slices.Contains(u.actions, strings.ToLower(action)) {
				problems = append(problems, jsii.String(fmt.Sprintf(
					"the role %s is granted %s on Resource \"*\", which nothing justifies: grant it on the resources it acts on (their ARNs), "+
						"or, if the action supports no resource-level permissions, list it with nag.Unscoped.Allow and the reason",
					*u.role.Node().Path(), action)))
			}
		}
	}
	return &problems
}

// UnscopedActions lists, sorted and once each, the actions that the Allow
// statements of a resolved policy document grant on Resource "*"
// (policydoc.UnscopedActions, which the tests use on templates).
func UnscopedActions(doc any) []string { return policydoc.UnscopedActions(doc) }
