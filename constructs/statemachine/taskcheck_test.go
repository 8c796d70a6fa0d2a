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
