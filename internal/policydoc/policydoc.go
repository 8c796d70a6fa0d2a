// Package policydoc reads IAM policy documents as CloudFormation holds
// them (generic JSON), for checks that run at synth time (constructs/nag)
// and in tests on the synthesized templates, without CDK.
package policydoc

import "slices"

// UnscopedActions lists, sorted and once each, the actions that the Allow
// statements of a resolved policy document grant on Resource "*".
func UnscopedActions(doc any) []string {
	d, _ := doc.(map[string]any)
	var out []string
	for _, s := range asList(d["Statement"]) {
		st, _ := s.(map[string]any)
		if st["Effect"] != "Allow" || !slices.Contains(asList(st["Resource"]), any("*")) {
			continue
		}
		for _, a := range asList(st["Action"]) {
			if name, ok := a.(string); ok && !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return out
}

// asList reads a policy field that may be one item or a list.
func asList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	}
	return []any{v}
}

// LogDeliveryActions and TracingActions support no resource-level
// permissions, so a state machine's execution role is granted them on
// Resource "*" for logging and X-Ray (constructs/statemachine). They are
// here, without CDK, for the tests that check every "*" grant.
var (
	LogDeliveryActions = []string{"logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:DescribeLogGroups", "logs:DescribeResourcePolicies",
		"logs:GetLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:UpdateLogDelivery"}
	TracingActions = []string{"xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:PutTelemetryRecords", "xray:PutTraceSegments"}
)
