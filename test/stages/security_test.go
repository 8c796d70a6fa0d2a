package stages_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/internal/policydoc"
	"github.com/sfnkit/sfnkit/internal/synthtest"
)

// justifiedUnscoped are the only actions any role of the app may be
// granted on Resource "*", because none of them supports resource-level
// permissions: CloudWatch Logs delivery and X-Ray for every state machine
// and function, and Rekognition's label detection for the image workflow.
var justifiedUnscoped = slices.Concat(policydoc.LogDeliveryActions, policydoc.TracingActions,
	[]string{"rekognition:detectLabels", "rekognition:detectModerationLabels"})

// TestOnlyJustifiedActionsOnEveryResource collects every action granted on
// Resource "*" in every template: the set must be exactly the justified
// list, so a new "*" grant shows up here as well as in cdk-nag.
func TestOnlyJustifiedActionsOnEveryResource(t *testing.T) {
	var all []string
	for name, s := range assembly.Stacks {
		for _, a := range s.UnscopedActions() {
			if !slices.Contains(justifiedUnscoped, a) {
				t.Errorf("%s: %s is granted on Resource \"*\"; scope it to the resources it acts on", name, a)
			}
			if !slices.Contains(all, a) {
				all = append(all, a)
			}
		}
	}
	want := slices.Clone(justifiedUnscoped)
	slices.Sort(all)
	slices.Sort(want)
	if !slices.Equal(all, want) {
		t.Errorf("actions on Resource \"*\" in the app:\n %v\nwant\n %v", all, want)
	}
}

// TestTopicsRefuseEveryRequestWithoutTLS: each topic's policy denies every
// SNS action, not only publishing, to anyone not using TLS.
func TestTopicsRefuseEveryRequestWithoutTLS(t *testing.T) {
	topics := 0
	for name, s := range assembly.Stacks {
		guarded := map[string]bool{}
		for id, p := range s.Resources("AWS::SNS::TopicPolicy") {
			for _, st := range synthtest.List(p["PolicyDocument"].(map[string]any)["Statement"]) {
				st := st.(map[string]any)
				insecure := strings.Contains(synthtest.JSON(st["Condition"]), `{"Bool":{"aws:SecureTransport":"false"}}`)
				if st["Effect"] != "Deny" || !insecure || synthtest.JSON(st["Principal"]) != `"*"` {
					continue
				}
				if actions := synthtest.List(st["Action"]); len(actions) != 1 || (actions[0] != "sns:*" && actions[0] != "*") {
					t.Errorf("%s: %s denies %v without TLS; want every action (sns:*)", name, id, actions)
					continue
				}
				for _, topic := range synthtest.List(p["Topics"]) {
					guarded[synthtest.Ref(topic)] = true
				}
			}
		}
		for id := range s.Resources("AWS::SNS::Topic") {
			topics++
			if !guarded[id] {
				t.Errorf("%s: topic %s has no policy that denies every action without TLS", name, id)
			}
		}
	}
	if topics == 0 {
		t.Fatal("the app has no SNS topic to check")
	}
}
