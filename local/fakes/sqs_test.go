package fakes

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// sqsJSON calls the SQS endpoint as current SDKs do (AWSJSON1_0).
func sqsJSON(t *testing.T, h http.Handler, action string, in any) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(in)
	req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:4566/", strings.NewReader(string(body)))
	req.Header.Set("X-Amz-Target", "AmazonSQS."+action)
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out
}

func TestSQSJSONProtocolSendReceiveDeleteAndRedrive(t *testing.T) {
	a := &AWS{}
	a.Queue("Work", QueueOptions{DeadLetterQueue: "arn:aws:sqs:us-east-1:123456789012:Dead", MaxReceiveCount: 2})
	a.Queue("Dead", QueueOptions{})
	h := a.SQSEndpoint()
	_, got := sqsJSON(t, h, "GetQueueUrl", map[string]any{"QueueName": "Work"})
	url := got["QueueUrl"].(string)
	if url != "http://127.0.0.1:4566/123456789012/Work" {
		t.Fatalf("GetQueueUrl: %v", got)
	}
	if code, got := sqsJSON(t, h, "SendMessage", map[string]any{"QueueUrl": url, "MessageBody": "hello"}); code != 200 || got["MD5OfMessageBody"] != "5d41402abc4b2a76b9719d911017c592" {
		t.Fatalf("SendMessage: %d %v", code, got)
	}
	receive := func() map[string]any {
		_, got := sqsJSON(t, h, "ReceiveMessage", map[string]any{"QueueUrl": url, "VisibilityTimeout": 0, "AttributeNames": []string{"All"}})
		msgs, _ := got["Messages"].([]any)
		if len(msgs) != 1 {
			return nil
		}
		return msgs[0].(map[string]any)
	}
	first := receive()
	if first == nil || first["Body"] != "hello" || first["Attributes"].(map[string]any)["ApproximateReceiveCount"] != "1" {
		t.Fatalf("first receive: %v", first)
	}
	if second := receive(); second == nil {
		t.Fatal("a message whose visibility ran out was not received again")
	}
	if third := receive(); third != nil {
		t.Fatalf("a message received maxReceiveCount times was received again: %v", third)
	}
	dead, err := a.Receive(t.Context(), "Dead", 10, time.Minute, 0)
	if err != nil || len(dead) != 1 || dead[0].Body != "hello" {
		t.Fatalf("the redrive policy did not move the message to the dead-letter queue: %v %v", dead, err)
	}
	if err := a.DeleteMessage("Dead", dead[0].ReceiptHandle); err != nil {
		t.Fatal(err)
	}
	if code, got := sqsJSON(t, h, "DeleteMessage", map[string]any{"QueueUrl": url, "ReceiptHandle": dead[0].ReceiptHandle}); code != 400 || got["__type"] != "com.amazonaws.sqs#ReceiptHandleIsInvalid" {
		t.Errorf("deleting twice: %d %v", code, got)
	}
	if code, got := sqsJSON(t, h, "ReceiveMessage", map[string]any{"QueueUrl": "http://127.0.0.1:4566/123456789012/Nope"}); code != 400 || got["__type"] != "com.amazonaws.sqs#QueueDoesNotExist" {
		t.Errorf("a missing queue: %d %v", code, got)
	}
}

func TestSQSLongPollReturnsWhenAMessageArrives(t *testing.T) {
	a := &AWS{}
	a.Queue("Q", QueueOptions{})
	done := make(chan []QueueMessage)
	go func() {
		got, _ := a.Receive(t.Context(), "Q", 1, time.Minute, 20*time.Second)
		done <- got
	}()
	if _, err := a.Enqueue("https://sqs.us-east-1.amazonaws.com/123456789012/Q", "late", nil); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-done:
		if len(got) != 1 || got[0].Body != "late" {
			t.Errorf("the long poll returned %v", got)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the long poll did not return when the message arrived")
	}
}

func TestSQSQueryProtocolAndSNSDelivery(t *testing.T) {
	a := &AWS{}
	a.Queue("Inbox", QueueOptions{})
	a.Topic("arn:aws:sns:us-east-1:123456789012:News")
	post := func(h http.Handler, form url.Values) (int, string) {
		req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:4566/", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		b, _ := io.ReadAll(rec.Body)
		return rec.Code, string(b)
	}
	if code, body := post(a.SNSEndpoint(), url.Values{"Action": {"Subscribe"}, "TopicArn": {"arn:aws:sns:us-east-1:123456789012:News"},
		"Protocol": {"sqs"}, "Endpoint": {"arn:aws:sqs:us-east-1:123456789012:Inbox"}}); code != 200 || !strings.Contains(body, "<SubscriptionArn>") {
		t.Fatalf("Subscribe: %d %s", code, body)
	}
	if code, body := post(a.SNSEndpoint(), url.Values{"Action": {"Publish"}, "TopicArn": {"arn:aws:sns:us-east-1:123456789012:News"},
		"Message": {"extra!"}, "Subject": {"s"}}); code != 200 || !strings.Contains(body, "<MessageId>") {
		t.Fatalf("Publish: %d %s", code, body)
	}
	code, body := post(a.SQSEndpoint(), url.Values{"Action": {"ReceiveMessage"}, "Version": {"2012-11-05"}, "QueueUrl": {"http://127.0.0.1:4566/123456789012/Inbox"}})
	if code != 200 || !strings.Contains(body, "<ReceiveMessageResponse") || !strings.Contains(body, "&#34;Message&#34;:&#34;extra!&#34;") ||
		!strings.Contains(body, "&#34;Type&#34;:&#34;Notification&#34;") {
		t.Errorf("the query protocol's ReceiveMessage did not return the SNS envelope: %d %s", code, body)
	}
	if code, body := post(a.SNSEndpoint(), url.Values{"Action": {"Publish"}, "TopicArn": {"arn:aws:sns:us-east-1:123456789012:Old"}, "Message": {"x"}}); code != 404 || !strings.Contains(body, "<Code>NotFound</Code>") {
		t.Errorf("publishing to a missing topic: %d %s", code, body)
	}
}
