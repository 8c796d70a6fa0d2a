package localapp_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/internal/synthtest"
)

var (
	walkthrough = regexp.MustCompile("(?s)<!-- walkthrough: begin -->(.*?)<!-- walkthrough: end -->")
	shBlock     = regexp.MustCompile("(?s)```sh\n(.*?)```")
	assigned    = regexp.MustCompile(`(?m)(?:^|[\s;(])([A-Za-z_][A-Za-z0-9_]*)=`)
)

// walkthroughChecks are what the README's blocks that look at results
// print once the workflows have run, by block number (from 0): the test
// runs such a block again until its output has all of them, as a reader
// would.
var walkthroughChecks = map[int][]string{
	0: {},
	1: {"upload: lambdas/imagemeta/testdata/orient6.jpg to s3://imagesimagesbucket"},
	2: {"SUCCEEDED", "processed/user-1/photo.jpg/128.jpg", "processed/user-1/photo.jpg/512.jpg"},
	3: {`"executionArn": "arn:aws:states:us-east-1:123456789012:execution:OrderFulfillmentStateMachineC9CEEAC0:ord-readme-1"`},
	4: {"COMPLETED"},
	5: {`{"message":"recorded approve"}`},
	6: {"COMPLETED"},
	7: {`"fired":2`, `"now":"2026-11-24T00:00:00Z"`},
	8: {"SUCCEEDED\t2", "sales/run_date=2026-11-22/run="},
}

// TestREADMEWalkthrough runs the README's "Run it locally" commands,
// exactly as written, in order, in one shell session (each block sees the
// variables the earlier ones set) against `sfnkit serve`, and checks what
// they print.
func TestREADMEWalkthrough(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(synthtest.ModuleRoot(), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	section := walkthrough.FindSubmatch(readme)
	if section == nil {
		t.Fatal("the README has no <!-- walkthrough: begin --> ... <!-- walkthrough: end --> section")
	}
	var blocks []string
	for _, b := range shBlock.FindAllSubmatch(section[1], -1) {
		blocks = append(blocks, string(b[1]))
	}
	if len(blocks) != 9 {
		t.Fatalf("the walkthrough has %d blocks; this test checks 9 (update walkthroughChecks with the README)", len(blocks))
	}
	srv := serve(t)
	env := append(awsEnv(t), "EDGE="+srv.edge, "SFN="+srv.sfn)
	state := filepath.Join(t.TempDir(), "state.sh")
	var names []string
	seen := map[string]bool{}
	for _, b := range blocks {
		for _, m := range assigned.FindAllStringSubmatch(b, -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				names = append(names, m[1])
			}
		}
	}
	sort.Strings(names)
	run := func(block string) (string, error) {
		script := fmt.Sprintf("set -eo pipefail\n[ -f %[1]q ] && . %[1]q\n%[2]s\n{ declare -p %[3]s 2>/dev/null || true; } > %[1]q\n", state, block, strings.Join(names, " "))
		cmd := exec.Command("bash", "-c", script)
		cmd.Dir, cmd.Env = synthtest.ModuleRoot(), env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	for i, block := range blocks {
		want, ok := walkthroughChecks[i]
		if !ok {
			t.Fatalf("block %d has no expectation in walkthroughChecks", i)
		}
		check := func() error {
			out, err := run(block)
			if err != nil {
				return fmt.Errorf("%v\n%s", err, out)
			}
			for _, w := range want {
				if !strings.Contains(out, w) {
					return fmt.Errorf("the output lacks %q:\n%s", w, out)
				}
			}
			return nil
		}
		if isLook(block) {
			eventually(t, fmt.Sprintf("README walkthrough block %d:\n%s", i, block), check)
		} else if err := check(); err != nil {
			t.Fatalf("README walkthrough block %d:\n%s\n%v", i, block, err)
		}
	}
}

// isLook reports whether a block only looks (lists, gets): running it
// again changes nothing, so the test may repeat it until the workflow has
// run.
func isLook(block string) bool {
	return !strings.Contains(block, "curl") && !strings.Contains(block, " cp ") && !strings.Contains(block, "export ")
}
