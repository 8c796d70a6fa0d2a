package asl

import (
	"context"
	"testing"
)

func TestSmoke(t *testing.T) {
	def := `{"StartAt":"A","TimeoutSeconds":100,"States":{
	  "A":{"Type":"Pass","Result":{"x":1},"ResultPath":"$.a","Next":"W"},
	  "W":{"Type":"Wait","Seconds":30,"Next":"T"},
	  "T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","Parameters":{"v.$":"$.a.x","f.$":"States.Format('n={}', $.a.x)"},"ResultPath":"$.t","Retry":[{"ErrorEquals":["Boom"],"MaxAttempts":2}],"Next":"C"},
	  "C":{"Type":"Choice","Choices":[{"Variable":"$.t.v","NumericEquals":1,"Next":"P"}],"Default":"F"},
	  "P":{"Type":"Parallel","Branches":[{"StartAt":"B1","States":{"B1":{"Type":"Pass","End":true}}},{"StartAt":"B2","States":{"B2":{"Type":"Wait","Seconds":5,"End":true}}}],"ResultPath":"$.p","Next":"M"},
	  "M":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"ResultPath":"$.m","End":true},
	  "F":{"Type":"Fail","Error":"E","Cause":"c"}}}`
	sm, err := Parse([]byte(def))
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	reg := (&Registry{}).HandleState("T", TaskFunc(func(ctx context.Context, req TaskRequest) (any, error) {
		calls++
		if calls < 2 {
			return nil, &Failure{Name: "Boom"}
		}
		return req.Input, nil
	}))
	e := NewEngine(Options{Tasks: reg})
	res, hist, err := e.Run(context.Background(), sm, []byte(`{"items":[1,2,3]}`))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", res)
	for _, ev := range hist {
		t.Logf("%d %s %s", ev.ID, ev.Timestamp.Format("15:04:05"), ev.Type)
	}
	if res.Status != StatusSucceeded {
		t.Fatal(res)
	}
}
