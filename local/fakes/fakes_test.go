package fakes

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/asl"
)

func call(t *testing.T, a *AWS, resource string, params string) (any, error) {
	t.Helper()
	h, ok := a.Resolve("S", resource, nil)
	if !ok {
		t.Fatalf("no fake for %s", resource)
	}
	var p any
	json.Unmarshal([]byte(params), &p)
	return h.Invoke(context.Background(), asl.TaskRequest{Resource: resource, Input: p})
}

func TestDynamoDBConditionsAndUpdates(t *testing.T) {
	a := &AWS{}
	tbl := a.Table("Results", "imageKey", "etag")
	put := `{"TableName":"Results","Item":{"imageKey":{"S":"k"},"etag":{"S":"e"},"n":{"N":"1"}},"ConditionExpression":"attribute_not_exists(imageKey)"}`
	if _, err := call(t, a, "arn:aws:states:::dynamodb:putItem", put); err != nil {
		t.Fatal(err)
	}
	_, err := call(t, a, "arn:aws:states:::dynamodb:putItem", put)
	if f, ok := err.(*asl.Failure); !ok || f.Name != "DynamoDB.ConditionalCheckFailedException" {
		t.Fatalf("second conditional put: %v", err)
	}
	update := `{"TableName":"Results","Key":{"imageKey":{"S":"k"},"etag":{"S":"e"}},"UpdateExpression":"SET #s = :s, other = :o ADD n :one",
	  "ConditionExpression":"#s <> :s OR attribute_not_exists(#s)","ExpressionAttributeNames":{"#s":"status"},
	  "ExpressionAttributeValues":{":s":{"S":"DONE"},":o":{"S":"x"},":one":{"N":"2"}}}`
	if _, err := call(t, a, "arn:aws:states:::dynamodb:updateItem", update); err != nil {
		t.Fatal(err)
	}
	item := tbl.Get("k", "e")
	if item["status"].(map[string]any)["S"] != "DONE" || item["n"].(map[string]any)["N"] != "3" {
		t.Errorf("item %v", item)
	}
	if _, err := call(t, a, "arn:aws:states:::dynamodb:updateItem", update); err == nil {
		t.Error("the condition no longer holds but the update passed")
	}
	got, _ := call(t, a, "arn:aws:states:::dynamodb:getItem", `{"TableName":"Results","Key":{"imageKey":{"S":"k"},"etag":{"S":"e"}}}`)
	if got.(map[string]any)["Item"] == nil {
		t.Error("getItem found nothing")
	}
	if _, err := call(t, a, "arn:aws:states:::dynamodb:getItem", `{"TableName":"Nope","Key":{}}`); err == nil || !strings.Contains(err.Error(), "ResourceNotFound") {
		t.Errorf("unknown table: %v", err)
	}
	if _, err := call(t, a, "arn:aws:states:::dynamodb:updateItem", `{"TableName":"Results","Key":{"imageKey":{"S":"k"},"etag":{"S":"e"}},"UpdateExpression":"SET a = a + :x"}`); err == nil {
		t.Error("an unsupported expression was accepted")
	}
}

func TestS3MessagesAndResults(t *testing.T) {
	a := &AWS{}
	a.Bucket("images").Put("uploads/u/a.jpg", []byte("img"))
	if _, err := call(t, a, "arn:aws:states:::aws-sdk:s3:copyObject", `{"Bucket":"images","CopySource":"images/uploads/u/a.jpg","Key":"quarantine/uploads/u/a.jpg"}`); err != nil {
		t.Fatal(err)
	}
	call(t, a, "arn:aws:states:::aws-sdk:s3:deleteObject", `{"Bucket":"images","Key":"uploads/u/a.jpg"}`)
	if keys := a.Bucket("images").Keys(); len(keys) != 1 || keys[0] != "quarantine/uploads/u/a.jpg" {
		t.Errorf("keys %v", keys)
	}
	if _, err := call(t, a, "arn:aws:states:::aws-sdk:s3:copyObject", `{"Bucket":"images","CopySource":"images/uploads/u/a.jpg","Key":"x"}`); err == nil || !strings.Contains(err.Error(), "NoSuchKey") {
		t.Errorf("copy of a missing object: %v", err)
	}
	call(t, a, "arn:aws:states:::sns:publish", `{"TopicArn":"arn:t","Message":{"event":"X"},"MessageAttributes":{"event":{"DataType":"String","StringValue":"X"}}}`)
	if m := a.Messages("arn:t"); len(m) != 1 || m[0].Body != `{"event":"X"}` || m[0].Attributes["event"] != "X" {
		t.Errorf("messages %+v", m)
	}
	files := []asl.ResultFile{{Key: "map-results/abc/SUCCEEDED_0.json", Body: []byte(`[]`)}, {Key: "map-results/abc/manifest.json", Body: []byte(`{}`)}}
	if err := a.WriteResults(context.Background(), asl.ResultWriteRequest{Bucket: "work", Files: files}); err != nil {
		t.Fatal(err)
	}
	if keys := a.Bucket("work").Keys(); !reflect.DeepEqual(keys, []string{"map-results/abc/SUCCEEDED_0.json", "map-results/abc/manifest.json"}) {
		t.Errorf("result files %v", keys)
	}
	if _, err := call(t, a, "arn:aws:states:::s3:putObject", `{"Bucket":"data","Key":"in.csv","Body":"a,b\n1,2\n"}`); err != nil {
		t.Fatal(err)
	}
	got, err := call(t, a, "arn:aws:states:::aws-sdk:s3:getObject", `{"Bucket":"data","Key":"in.csv"}`)
	if err != nil || got.(map[string]any)["Body"] != "a,b\n1,2\n" {
		t.Errorf("getObject: %v, %v", got, err)
	}
	if _, err := call(t, a, "arn:aws:states:::s3:getObject", `{"Bucket":"data","Key":"missing"}`); err == nil || !strings.Contains(err.Error(), "NoSuchKey") {
		t.Errorf("getObject of a missing object: %v", err)
	}
}

func TestConditionGrouping(t *testing.T) {
	e := expression{names: map[string]any{"#s": "status"}, values: map[string]any{
		":running": map[string]any{"S": "RUNNING"}, ":failed": map[string]any{"S": "FAILED"}, ":stale": map[string]any{"S": "2026-01-02"}}}
	item := func(status, started string) map[string]any {
		return map[string]any{"status": map[string]any{"S": status}, "startedAt": map[string]any{"S": started}}
	}
	cond := "#s = :failed OR (#s = :running AND startedAt < :stale)"
	for _, c := range []struct {
		item map[string]any
		want bool
	}{
		{item("FAILED", "2026-05-01"), true},
		{item("RUNNING", "2026-01-01"), true},
		{item("RUNNING", "2026-05-01"), false},
		{item("SUCCEEDED", "2026-01-01"), false},
	} {
		got, err := e.check(cond, c.item)
		if err != nil || got != c.want {
			t.Errorf("%v: %v, %v; want %v", c.item, got, err, c.want)
		}
	}
	if got, err := e.check("(#s = :failed) AND (startedAt < :stale)", item("FAILED", "2026-01-01")); err != nil || !got {
		t.Errorf("two groups: %v, %v", got, err)
	}
	for _, s := range []string{"(a)", "((a) AND (b))"} {
		if !enclosed(s) {
			t.Errorf("%s is enclosed", s)
		}
	}
	for _, s := range []string{"(a) AND (b)", "a", "(a"} {
		if enclosed(s) {
			t.Errorf("%s is not enclosed", s)
		}
	}
}
