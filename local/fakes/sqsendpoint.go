package fakes

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Account is the account id of the fakes' queue URLs and ARNs, the one
// cfn.Placeholders gives resources.
const Account = "123456789012"

// sqsRequest is an SQS request, read from the JSON protocol's body or the
// query protocol's form.
type sqsRequest struct {
	QueueURL            string `json:"QueueUrl"`
	QueueName           string
	MessageBody         string
	ReceiptHandle       string
	MaxNumberOfMessages *int
	VisibilityTimeout   *int
	WaitTimeSeconds     *int
	AttributeNames      []string
	SystemAttributes    []string `json:"MessageSystemAttributeNames"`
	QueueNamePrefix     string
}

// SQSEndpoint serves the fake queues over SQS's JSON protocol (AWSJSON1_0,
// X-Amz-Target: AmazonSQS.<Action>, what current SDKs and the AWS CLI
// send) and its query protocol (a form with Action=, what older SDKs
// send): CreateQueue, GetQueueUrl, ListQueues, SendMessage,
// ReceiveMessage (with long polling), DeleteMessage,
// ChangeMessageVisibility, GetQueueAttributes, PurgeQueue. Queue URLs
// name the host the request was sent to.
func (a *AWS) SQSEndpoint() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in sqsRequest
		action, jsonProtocol := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "AmazonSQS.")
		if jsonProtocol {
			if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil {
				writeSQSError(w, true, &SQSError{"InvalidParameterValue", "the request body is not JSON: " + err.Error()})
				return
			}
		} else {
			if err := r.ParseForm(); err != nil {
				writeSQSError(w, false, &SQSError{"InvalidParameterValue", err.Error()})
				return
			}
			action, in = r.Form.Get("Action"), sqsForm(r.Form)
		}
		if in.QueueURL == "" && strings.Count(r.URL.Path, "/") == 2 { // the query protocol may post to the queue's URL
			in.QueueURL = r.URL.Path
		}
		base := "http://" + r.Host + "/" + Account + "/"
		out, err := a.sqsAction(r, action, in, base)
		if err != nil {
			writeSQSError(w, jsonProtocol, err)
			return
		}
		if jsonProtocol {
			body, _ := json.Marshal(out)
			w.Header().Set("Content-Type", "application/x-amz-json-1.0")
			_, _ = w.Write(body)
			return
		}
		writeQueryResult(w, action, "http://queue.amazonaws.com/doc/2012-11-05/", out)
	})
}

// sqsForm reads the query protocol's parameters.
func sqsForm(f url.Values) sqsRequest {
	in := sqsRequest{QueueURL: f.Get("QueueUrl"), QueueName: f.Get("QueueName"), MessageBody: f.Get("MessageBody"),
		ReceiptHandle: f.Get("ReceiptHandle"), QueueNamePrefix: f.Get("QueueNamePrefix")}
	num := func(k string) *int {
		if n, err := strconv.Atoi(f.Get(k)); err == nil {
			return &n
		}
		return nil
	}
	in.MaxNumberOfMessages, in.VisibilityTimeout, in.WaitTimeSeconds = num("MaxNumberOfMessages"), num("VisibilityTimeout"), num("WaitTimeSeconds")
	for i := 1; f.Has("AttributeName." + strconv.Itoa(i)); i++ {
		in.AttributeNames = append(in.AttributeNames, f.Get("AttributeName."+strconv.Itoa(i)))
	}
	return in
}

func (a *AWS) sqsAction(r *http.Request, action string, in sqsRequest, base string) (any, error) {
	queue := in.QueueURL
	switch action {
	case "CreateQueue":
		if in.QueueName == "" {
			return nil, &SQSError{"MissingParameter", "The request must contain the parameter QueueName."}
		}
		a.mu.Lock()
		_, exists := a.queues[in.QueueName]
		a.mu.Unlock()
		if !exists {
			a.Queue(in.QueueName, QueueOptions{})
		}
		return map[string]any{"QueueUrl": base + in.QueueName}, nil
	case "GetQueueUrl":
		if _, _, err := a.QueueDepth(in.QueueName); err != nil {
			return nil, err
		}
		return map[string]any{"QueueUrl": base + in.QueueName}, nil
	case "ListQueues":
		urls := []string{}
		for _, n := range a.QueueNames() {
			if strings.HasPrefix(n, in.QueueNamePrefix) {
				urls = append(urls, base+n)
			}
		}
		return map[string]any{"QueueUrls": urls}, nil
	case "SendMessage":
		if in.MessageBody == "" {
			return nil, &SQSError{"MissingParameter", "The request must contain the parameter MessageBody."}
		}
		id, err := a.Enqueue(queue, in.MessageBody, nil)
		if err != nil {
			return nil, err
		}
		a.record(Message{Target: queue, Body: in.MessageBody})
		return map[string]any{"MessageId": id, "MD5OfMessageBody": md5Hex(in.MessageBody)}, nil
	case "ReceiveMessage":
		return a.receiveMessage(r, in)
	case "DeleteMessage":
		return map[string]any{}, a.DeleteMessage(queue, in.ReceiptHandle)
	case "ChangeMessageVisibility":
		if in.VisibilityTimeout == nil {
			return nil, &SQSError{"MissingParameter", "The request must contain the parameter VisibilityTimeout."}
		}
		return map[string]any{}, a.ChangeVisibility(queue, in.ReceiptHandle, time.Duration(*in.VisibilityTimeout)*time.Second)
	case "GetQueueAttributes":
		visible, inFlight, err := a.QueueDepth(queue)
		if err != nil {
			return nil, err
		}
		return map[string]any{"Attributes": map[string]string{
			"QueueArn":                              "arn:aws:sqs:us-east-1:" + Account + ":" + queueName(queue),
			"ApproximateNumberOfMessages":           strconv.Itoa(visible),
			"ApproximateNumberOfMessagesNotVisible": strconv.Itoa(inFlight),
		}}, nil
	case "PurgeQueue":
		return map[string]any{}, a.Purge(queue)
	}
	return nil, &SQSError{"InvalidAction", "The action " + action + " is not valid for this endpoint (the local SQS does not implement it)."}
}

func (a *AWS) receiveMessage(r *http.Request, in sqsRequest) (any, error) {
	limit, visibility, wait := 1, time.Duration(-1), time.Duration(0)
	if in.MaxNumberOfMessages != nil {
		limit = *in.MaxNumberOfMessages
	}
	if in.VisibilityTimeout != nil {
		visibility = time.Duration(*in.VisibilityTimeout) * time.Second
	}
	if in.WaitTimeSeconds != nil {
		if *in.WaitTimeSeconds < 0 || *in.WaitTimeSeconds > 20 {
			return nil, &SQSError{"InvalidParameterValue", "Value " + strconv.Itoa(*in.WaitTimeSeconds) + " for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided."}
		}
		wait = time.Duration(*in.WaitTimeSeconds) * time.Second
	}
	got, err := a.Receive(r.Context(), in.QueueURL, limit, visibility, wait)
	if err != nil {
		return nil, err
	}
	withAttributes := len(in.AttributeNames)+len(in.SystemAttributes) > 0
	messages := make([]map[string]any, len(got))
	for i, m := range got {
		messages[i] = map[string]any{"MessageId": m.MessageID, "ReceiptHandle": m.ReceiptHandle, "MD5OfBody": m.MD5OfBody, "Body": m.Body}
		if withAttributes {
			messages[i]["Attributes"] = map[string]string{
				"ApproximateReceiveCount": strconv.Itoa(m.ReceiveCount),
				"SentTimestamp":           strconv.FormatInt(m.Sent.UnixMilli(), 10),
			}
		}
	}
	if len(messages) == 0 {
		return map[string]any{}, nil
	}
	return map[string]any{"Messages": messages}, nil
}

// sqsQueryCodes are the query protocol's codes of the JSON protocol's
// error types, which the JSON protocol also sends in x-amzn-query-error.
var sqsQueryCodes = map[string]string{
	"QueueDoesNotExist":      "AWS.SimpleQueueService.NonExistentQueue",
	"ReceiptHandleIsInvalid": "ReceiptHandleIsInvalid",
}

func writeSQSError(w http.ResponseWriter, jsonProtocol bool, err error) {
	var e *SQSError
	if !errors.As(err, &e) {
		e = &SQSError{"InternalError", err.Error()}
	}
	code := e.Code
	if q, ok := sqsQueryCodes[code]; ok {
		code = q
	}
	if !jsonProtocol {
		writeQueryError(w, code, e.Message)
		return
	}
	body, _ := json.Marshal(map[string]string{"__type": "com.amazonaws.sqs#" + e.Code, "message": e.Message})
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amzn-Query-Error", code+";Sender")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write(body)
}

// writeQueryResult writes a query protocol answer: <ActionResponse
// xmlns=ns><ActionResult>...</ActionResult><ResponseMetadata/>.
func writeQueryResult(w http.ResponseWriter, action, ns string, out any) {
	w.Header().Set("Content-Type", "text/xml")
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><` + action + `Response xmlns="` + ns + `"><` + action + `Result>`)
	writeQueryValue(&b, "", out)
	b.WriteString(`</` + action + `Result><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></` + action + `Response>`)
	_, _ = io.WriteString(w, b.String())
}

// writeQueryValue renders a JSON-shaped answer as the query protocol's
// XML: lists flattened under their member name, maps as
// <Attribute><Name/><Value/></Attribute>, SQS's shape.
func writeQueryValue(b *strings.Builder, name string, v any) {
	open, closeTag := "", ""
	if name != "" {
		open, closeTag = "<"+name+">", "</"+name+">"
	}
	switch v := v.(type) {
	case map[string]any:
		b.WriteString(open)
		for _, k := range sortedKeys(v) {
			writeQueryValue(b, k, v[k])
		}
		b.WriteString(closeTag)
	case map[string]string:
		for _, k := range sortedKeys(v) {
			b.WriteString("<Attribute><Name>" + xmlText(k) + "</Name><Value>" + xmlText(v[k]) + "</Value></Attribute>")
		}
	case []string:
		for _, s := range v {
			writeQueryValue(b, strings.TrimSuffix(name, "s"), s)
		}
	case []map[string]any:
		for _, m := range v {
			writeQueryValue(b, strings.TrimSuffix(name, "s"), m)
		}
	default:
		b.WriteString(open + xmlText(toString(v)) + closeTag)
	}
}

func writeQueryError(w http.ResponseWriter, code, message string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = io.WriteString(w, `<?xml version="1.0"?><ErrorResponse><Error><Type>Sender</Type><Code>`+xmlText(code)+`</Code><Message>`+
		xmlText(message)+`</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`)
}

func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func toString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
