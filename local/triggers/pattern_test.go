package triggers

import (
	"encoding/json"
	"testing"
)

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestPatternMatchesAsTheEventBridgeDocsSay plays the examples of
// "Content filtering in Amazon EventBridge event patterns" and the
// pattern of the image workflow's rule.
func TestPatternMatchesAsTheEventBridgeDocsSay(t *testing.T) {
	event := `{"source":"aws.s3","detail-type":"Object Created","detail":{"bucket":{"name":"photos"},
		"object":{"key":"uploads/u1/a.PNG","size":1200},"state":"running","c-count":5,"tags":["blue","green"],"nothing":null}}`
	tests := []struct {
		pattern string
		want    bool
	}{
		{`{"detail-type":["Object Created"],"source":["aws.s3"],"detail":{"bucket":{"name":["photos"]},"object":{"key":[{"prefix":"uploads/"}]}}}`, true},
		{`{"detail":{"object":{"key":[{"prefix":"processed/"}]}}}`, false},
		{`{"detail":{"object":{"key":[{"suffix":".png"}]}}}`, false},
		{`{"detail":{"object":{"key":[{"suffix":{"equals-ignore-case":".png"}}]}}}`, true},
		{`{"detail":{"state":[{"anything-but":"stopped"}]}}`, true},
		{`{"detail":{"state":[{"anything-but":["running","pending"]}]}}`, false},
		{`{"detail":{"state":[{"anything-but":{"prefix":"run"}}]}}`, false},
		{`{"detail":{"c-count":[{"numeric":[">",0,"<=",5]}]}}`, true},
		{`{"detail":{"c-count":[{"numeric":[">",5]}]}}`, false},
		{`{"detail":{"object":{"size":[{"numeric":["=",1200]}]}}}`, true},
		{`{"detail":{"state":[{"exists":true}]}}`, true},
		{`{"detail":{"missing":[{"exists":false}]}}`, true},
		{`{"detail":{"missing":[{"exists":true}]}}`, false},
		{`{"detail":{"state":["stopped"]}}`, false},
		{`{"detail":{"tags":["green"]}}`, true},
		{`{"detail":{"nothing":[null]}}`, true},
		{`{"detail":{"state":[{"equals-ignore-case":"RUNNING"}]}}`, true},
		{`{"detail":{"object":{"key":[{"wildcard":"uploads/*/*.PNG"}]}}}`, true},
		{`{"detail":{"object":{"key":[{"wildcard":"uploads/*.jpg"}]}}}`, false},
		{`{"detail":{"$or":[{"state":["stopped"]},{"c-count":[{"numeric":[">=",5]}]}]}}`, true},
		{`{"detail":{"$or":[{"state":["stopped"]},{"c-count":[1]}]}}`, false},
		{`{"source":["aws.ec2"]}`, false},
	}
	ev := decode(t, event)
	for _, tc := range tests {
		p, err := ParsePattern(decode(t, tc.pattern))
		if err != nil {
			t.Fatalf("%s: %v", tc.pattern, err)
		}
		if got, why := p.Match(ev); got != tc.want {
			t.Errorf("%s matched %v (%s); want %v", tc.pattern, got, why, tc.want)
		}
	}
}

func TestPatternRefusesWhatItCannotEvaluate(t *testing.T) {
	for _, bad := range []string{
		`{"detail":{"ip":[{"cidr":"10.0.0.0/24"}]}}`,
		`{"detail":{"n":[{"numeric":[">"]}]}}`,
		`{"detail":{"n":[{"numeric":["~",1]}]}}`,
		`{"source":"aws.s3"}`,
		`{"$or":[{"source":["a"]}]}`,
	} {
		if _, err := ParsePattern(decode(t, bad)); err == nil {
			t.Errorf("%s was accepted", bad)
		}
	}
}

func TestUnmatchedReasonNamesTheField(t *testing.T) {
	p, _ := ParsePattern(decode(t, `{"detail":{"object":{"key":[{"prefix":"uploads/"}]}}}`))
	_, why := p.Match(decode(t, `{"detail":{"object":{"key":"notes/a.txt"}}}`))
	if want := `detail.object.key is "notes/a.txt", which matches none of [{"prefix":"uploads/"}]`; why != want {
		t.Errorf("reason %q; want %q", why, want)
	}
}
