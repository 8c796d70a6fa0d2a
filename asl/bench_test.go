package asl

import (
	"context"
	"testing"
	"time"
)

// benchDefinition has every kind of state the workflows use: Lambda-like
// tasks with Retry and Catch, a Choice, a Parallel and an inline Map.
const benchDefinition = `{"Comment":"benchmark","StartAt":"Validate","TimeoutSeconds":3600,"States":{
 "Validate":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:validate","TimeoutSeconds":30,
  "Retry":[{"ErrorEquals":["Lambda.ServiceException","Lambda.TooManyRequestsException"],"IntervalSeconds":1,"MaxAttempts":3,"BackoffRate":2,"MaxDelaySeconds":10,"JitterStrategy":"FULL"}],
  "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"Failed"}],"ResultPath":"$.validation","Next":"Big"},
 "Big":{"Type":"Choice","Choices":[{"Variable":"$.total","NumericGreaterThanEquals":100,"Next":"Fanout"},
  {"And":[{"Variable":"$.kind","IsPresent":true},{"Variable":"$.kind","StringEquals":"x"}],"Next":"Items"}],"Default":"Items"},
 "Fanout":{"Type":"Parallel","Branches":[
  {"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"a.$":"$.total"},"End":true}}},
  {"StartAt":"B","States":{"B":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:b","TimeoutSeconds":5,"End":true}}}],
  "ResultSelector":{"first.$":"$[0].a"},"ResultPath":"$.fanout","Catch":[{"ErrorEquals":["States.ALL"],"Next":"Failed"}],"Next":"Items"},
 "Items":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":2,"ItemSelector":{"item.$":"$$.Map.Item.Value","i.$":"$$.Map.Item.Index"},
  "ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"Each","States":{"Each":{"Type":"Pass","Parameters":{"n.$":"States.MathAdd($.i, 1)"},"End":true}}},
  "ResultPath":"$.items","Next":"Done"},
 "Done":{"Type":"Succeed"},
 "Failed":{"Type":"Fail","Error":"Failed","Cause":"it failed"}}}`

const benchInput = `{"total":150,"kind":"x","items":[{"a":1},{"a":2},{"a":3},{"a":4}]}`

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse([]byte(benchDefinition)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRun(b *testing.B) {
	sm, err := Parse([]byte(benchDefinition))
	if err != nil {
		b.Fatal(err)
	}
	tasks := (&Registry{}).
		HandleState("Validate", returns(`{"ok":true}`)).
		HandleState("B", returns(`{"b":1}`))
	b.ReportAllocs()
	for b.Loop() {
		e := NewEngine(Options{Tasks: tasks, Clock: NewVirtualClock(time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC))})
		res, _, err := e.Run(context.Background(), sm, []byte(benchInput))
		if err != nil || res.Status != StatusSucceeded {
			b.Fatal(err, res.Status, res.Error, res.Cause)
		}
	}
}

// benchJSONataDefinition evaluates JSONata in every field kind a state has:
// Arguments, Assign, Output, a Choice Condition and a Map's Items.
const benchJSONataDefinition = `{"QueryLanguage":"JSONata","StartAt":"T","States":{
 "T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:t","TimeoutSeconds":30,
  "Arguments":{"sum":"{% $states.input.total + $count($states.input.items) %}","who":"{% $states.context.State.Name %}"},
  "Assign":{"doubled":"{% $states.result.ok ? $states.input.total * 2 : 0 %}"},
  "Output":{"items":"{% $states.input.items %}","total":"{% $sum($states.input.items.a) %}"},"Next":"C"},
 "C":{"Type":"Choice","Choices":[{"Condition":"{% $doubled > 100 %}","Next":"M"}],"Default":"Done"},
 "M":{"Type":"Map","Items":"{% $states.input.items %}",
  "ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"E","States":{"E":{"Type":"Pass","Output":{"n":"{% $states.input.a + 1 %}"},"End":true}}},
  "Output":"{% $states.result.n %}","Next":"Done"},
 "Done":{"Type":"Succeed"}}}`

func BenchmarkRunJSONata(b *testing.B) {
	sm, err := Parse([]byte(benchJSONataDefinition))
	if err != nil {
		b.Fatal(err)
	}
	tasks := (&Registry{}).HandleState("T", returns(`{"ok":true}`))
	b.ReportAllocs()
	for b.Loop() {
		e := NewEngine(Options{Tasks: tasks, Clock: NewVirtualClock(time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC))})
		res, _, err := e.Run(context.Background(), sm, []byte(benchInput))
		if err != nil || res.Status != StatusSucceeded {
			b.Fatal(err, res.Status, res.Error, res.Cause)
		}
	}
}
