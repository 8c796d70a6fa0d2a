// Package orderfulfillment_test checks the synthesized order-fulfillment
// stack: its ASL, its template, and cdk-nag's verdict, on the shared
// synthesis of the dev stage (made exactly as `cdk synth` makes it).
package orderfulfillment_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/sfnkit/sfnkit/internal/synthtest"
	"github.com/sfnkit/sfnkit/stacks"
)

var (
	stack *synthtest.Stack
	def   *synthtest.Definition
)

func TestMain(m *testing.M) {
	os.Exit(synthtest.MainShared(m, func() error {
		asm, err := synthtest.Shared(synthtest.Dev)
		if err != nil {
			return err
		}
		if stack = asm.Stacks[stacks.OrderFulfillmentStackID]; stack == nil {
			return fmt.Errorf("the assembly has no order-fulfillment stack")
		}
		_, def, err = stack.StateMachine()
		return err
	}))
}

// TestDevStageDeletesData: the default stage is dev, whose tables, keys
// and log groups go with the stack (test/stages checks prod retains them).
func TestDevStageDeletesData(t *testing.T) {
	for _, typ := range []string{"AWS::DynamoDB::Table", "AWS::KMS::Key", "AWS::Logs::LogGroup"} {
		resources, _ := stack.Template["Resources"].(map[string]any)
		n := 0
		for id, r := range resources {
			res, _ := r.(map[string]any)
			if res["Type"] != typ {
				continue
			}
			n++
			if res["DeletionPolicy"] != "Delete" {
				t.Errorf("%s %s has DeletionPolicy %v in the dev stage", typ, id, res["DeletionPolicy"])
			}
		}
		if n == 0 {
			t.Errorf("no %s in the order stack", typ)
		}
	}
}
