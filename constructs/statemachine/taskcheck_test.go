package statemachine

import (
	"reflect"
	"testing"
)

func TestCheckTasks(t *testing.T) {
	tests := []struct {
		name       string
		definition string
		want       []string
	}{
		{"safe task", `{"States":{"A":{"Type":"Task","TimeoutSeconds":5,"Catch":[{"ErrorEquals":["States.ALL"],"Next":"F"}]},"F":{"Type":"Fail"}}}`, nil},
		{"timeout path counts", `{"States":{"A":{"Type":"Task","TimeoutSecondsPath":"$.t","Catch":[{}]}}}`, nil},
		{"no timeout", `{"States":{"A":{"Type":"Task","Catch":[{}]}}}`,
			[]string{`Task state "A" has no TimeoutSeconds: a task without one can wait forever; set taskTimeout on it`}},
		{"no catch", `{"States":{"A":{"Type":"Task","TimeoutSeconds":5}}}`,
			[]string{`Task state "A" has no Catch: add one that leads somewhere deliberate (a compensation, a notification, a Fail state)`}},
		{"caught by the enclosing parallel", `{"States":{"P":{"Type":"Parallel","Catch":[{}],"Branches":[{"States":{"B":{"Type":"Task","TimeoutSeconds":1}}}]}}}`, nil},
		{"uncaught inside a map", `{"States":{"M":{"Type":"Map","ItemProcessor":{"States":{"B":{"Type":"Task","TimeoutSeconds":1}}}}}}`,
			[]string{`Task state "B" has no Catch: add one that leads somewhere deliberate (a compensation, a notification, a Fail state)`}},
		{"legacy iterator caught", `{"States":{"M":{"Type":"Map","Catch":[{}],"Iterator":{"States":{"B":{"Type":"Task","TimeoutSeconds":1}}}}}}`, nil},
		{"sorted by name", `{"States":{"Z":{"Type":"Task","TimeoutSeconds":1},"A":{"Type":"Task","TimeoutSeconds":1}}}`,
			[]string{`Task state "A" has no Catch: add one that leads somewhere deliberate (a compensation, a notification, a Fail state)`,
				`Task state "Z" has no Catch: add one that leads somewhere deliberate (a compensation, a notification, a Fail state)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CheckTasks([]byte(tt.definition))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("CheckTasks = %q, want %q", got, tt.want)
			}
		})
	}
	if _, err := CheckTasks([]byte(`{`)); err == nil {
		t.Error("invalid JSON accepted")
	}
}

func TestDefinitionText(t *testing.T) {
	getAtt := map[string]any{"Fn::GetAtt": []any{"Fn", "Arn"}}
	ref := map[string]any{"Ref": "Timeout"}
	join := func(parts ...any) any { return map[string]any{"Fn::Join": []any{"", parts}} }
	tests := []struct {
		name     string
		resolved any
		want     string // "" when an error is expected
	}{
		{"no reference", `{"States":{}}`, `{"States":{}}`},
		{"a reference inside a string", join(`{"States":{"A":{"Type":"Task","Resource":"`, getAtt, `","TimeoutSeconds":5}}}`),
			`{"States":{"A":{"Type":"Task","Resource":"${Fn::GetAtt}","TimeoutSeconds":5}}}`},
		{"inside a string after escaped quotes", join(`{"Comment":"say \"hi\\\" `, getAtt, `"}`), `{"Comment":"say \"hi\\\" ${Fn::GetAtt}"}`},
		{"a number token", join(`{"States":{"A":{"Type":"Task","TimeoutSeconds":`, ref, `}}}`),
			`{"States":{"A":{"Type":"Task","TimeoutSeconds":1}}}`},
		{"a string token after a number token", join(`{"TimeoutSeconds":`, ref, `,"Comment":"`, getAtt, `"}`),
			`{"TimeoutSeconds":1,"Comment":"${Fn::GetAtt}"}`},
		{"another intrinsic", map[string]any{"Fn::Sub": "x"}, ""},
		{"a join with a delimiter", map[string]any{"Fn::Join": []any{",", []any{"a"}}}, ""},
		{"a part that is neither", join(`{"A":`, 5.0, `}`), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := definitionText(tt.resolved)
			if tt.want == "" {
				if err == nil {
					t.Errorf("definitionText = %q, want an error", got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("definitionText = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
