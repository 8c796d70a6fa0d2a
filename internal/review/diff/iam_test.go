package diff

import (
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/cfn"
)

// roleAssembly is a one-stack assembly of a role whose default policy
// allows actions on the resources given, one statement per resource.
func roleAssembly(t *testing.T, grants map[string][]string) *cfn.Assembly {
	t.Helper()
	var statements []string
	for res, actions := range grants {
		statements = append(statements, `{"Effect": "Allow", "Action": ["`+strings.Join(actions, `", "`)+`"], "Resource": `+res+`}`)
	}
	tpl := `{"Resources": {
	  "Role": {"Type": "AWS::IAM::Role", "Properties": {}},
	  "RolePolicy": {"Type": "AWS::IAM::Policy", "Properties": {"Roles": [{"Ref": "Role"}],
	    "PolicyDocument": {"Statement": [` + strings.Join(statements, ",") + `]}}}}}`
	parsed, err := cfn.Parse([]byte(tpl))
	if err != nil {
		t.Fatal(err)
	}
	return &cfn.Assembly{Dir: "test", Stacks: []*cfn.AssemblyStack{{Name: "Stack", Template: parsed}}}
}

const (
	table = `{"Fn::GetAtt": ["Table", "Arn"]}`
	queue = `{"Fn::GetAtt": ["Queue", "Arn"]}`
)

// TestIAMChangesGroupedPerRoleAndResource: a role that gains five actions
// on a table and loses one on a queue reads as two lines, each naming
// the resource once, the gain marked as a risk.
func TestIAMChangesGroupedPerRoleAndResource(t *testing.T) {
	before := roleAssembly(t, map[string][]string{table: {"dynamodb:GetItem"}, queue: {"sqs:SendMessage", "sqs:GetQueueUrl"}})
	after := roleAssembly(t, map[string][]string{table: {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem", "dynamodb:Query"},
		queue: {"sqs:SendMessage"}})
	r, err := Compare(before, after)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, m := range r.Machines {
		for _, c := range m.Changes {
			lines = append(lines, c.Text+" "+c.Risk)
		}
	}
	want := []string{
		"`Role` may now `dynamodb:BatchWriteItem`, `dynamodb:DeleteItem`, `dynamodb:PutItem`, `dynamodb:Query`, `dynamodb:UpdateItem` on `${Table.Arn}` " + IAMWidened,
		"`Role` may no longer `sqs:GetQueueUrl` on `${Queue.Arn}` ",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("IAM changes:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if md := r.Markdown(); !strings.Contains(md, want[0][:len(want[0])-len(IAMWidened)]+"⚠ `iam-widened`") {
		t.Errorf("the review does not mark the widening:\n%s", md)
	}
}

// TestCutKeepsRisksAndPointsToTheRest: a review longer than the limit is
// cut at a line boundary within it, keeps the risks at its top, and says
// how much is left and where.
func TestCutKeepsRisksAndPointsToTheRest(t *testing.T) {
	var m Machine
	m.Stack, m.LogicalID, m.Status = "Stack", "SM", "changed"
	for i := range 3000 {
		m.Changes = append(m.Changes, Change{Section: "States", Text: strings.Repeat("x", i%50) + " added", Risk: StateRemoved})
	}
	md := Report{Machines: []Machine{m}}.Markdown()
	if len(md) <= CommentLimit {
		t.Fatalf("the review is %d bytes; the test needs one over %d", len(md), CommentLimit)
	}
	cut := Cut(md, CommentLimit, "the job summary")
	if len(cut) > CommentLimit {
		t.Errorf("cut to %d bytes; want at most %d", len(cut), CommentLimit)
	}
	body, note, found := strings.Cut(cut, "\n---\n**The review is cut here**")
	if !found || !strings.HasPrefix(md, body) || !strings.HasSuffix(body, "\n") {
		t.Fatalf("the cut review is not a prefix of whole lines followed by the note:\n%s", cut[len(cut)-300:])
	}
	if !strings.Contains(body, "**Risks:** `state-removed`") || !strings.Contains(note, "are in the job summary") {
		t.Errorf("the cut review lacks the risks or the pointer: note %q", note)
	}
	if got := Cut(md, 0, "x"); got != md {
		t.Error("a zero limit cut the review")
	}
	if got := Cut("short\n", 100, "x"); got != "short\n" {
		t.Errorf("a review within the limit changed: %q", got)
	}
}
