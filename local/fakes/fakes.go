// Package fakes stands in, in memory, for the AWS services Step Functions
// workflows call directly: DynamoDB (putItem, getItem, updateItem), SNS
// publish, SQS sendMessage, S3 (copyObject, deleteObject, getObject,
// putObject, the Distributed Map's listObjectsV2 reader and the store of
// its result files), Athena and Glue
// .sync jobs, Rekognition and SageMaker. It resolves Task states by their
// Resource, so an engine runs a synthesized definition unchanged.
//
// AWS.Endpoint serves the same fakes over DynamoDB's, S3's and SQS's wire
// protocols, for handlers that run as processes of their own; S3Endpoint,
// DynamoDBEndpoint, SQSEndpoint (JSON and query protocols) and
// SNSEndpoint serve each service on its own, as package edge routes them.
//
// The fakes do what the project's workflows need, faithfully, and refuse
// anything else with a clear error rather than pretending.
package fakes

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/internal/memstore"
)

// Message is a message published to a topic or sent to a queue.
type Message struct {
	Target     string // topic ARN or queue URL
	Body       string
	Attributes map[string]string
}

// AWS is the set of fake services. The zero value is empty and ready; it
// is safe for concurrent use.
type AWS struct {
	// Labels answers Rekognition DetectLabels for an object; if nil, no
	// labels. Moderation answers DetectModerationLabels; if nil, none.
	Labels, Moderation func(bucket, key string) ([]any, error)
	// Model answers SageMaker InvokeEndpoint with the body to return.
	Model func(endpoint string, body string) (string, error)
	// GlueJob runs a Glue job (.sync) with its arguments; if nil, it
	// succeeds without doing anything.
	GlueJob func(ctx context.Context, name string, args map[string]string) error
	// AthenaQuery runs a query (.sync) before the fake carries out the
	// partition statements it knows (see PartitionLocation); if nil, it
	// succeeds.
	AthenaQuery func(query string) error

	mu       sync.Mutex
	txMu     sync.Mutex
	tables   map[string]*Table
	buckets  map[string]*memstore.Bucket
	messages []Message
	queries  []string
	// partitions are the table partitions Athena queries added, by
	// "database.table/key=value", with their locations.
	partitions map[string]string
	seq        int
	uploads    map[string]*multipartUpload // S3 multipart uploads in progress, by id
	queues     map[string]*queue           // SQS queues, by name
	topics     map[string]*topic           // SNS topics, by ARN

	// ObjectCreated, if set, is called after every object the S3 endpoint
	// or an S3 task writes, as S3 tells EventBridge.
	ObjectCreated func(ObjectCreated)
}

var (
	_ asl.Resolver   = (*AWS)(nil)
	_ asl.ItemSource = (*AWS)(nil)
	_ asl.ResultSink = (*AWS)(nil)
)

// Table defines (or returns) a table with its key attributes.
func (a *AWS) Table(name, partitionKey, sortKey string) *Table {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.tables == nil {
		a.tables = map[string]*Table{}
	}
	t, ok := a.tables[name]
	if !ok {
		t = &Table{Name: name, PartitionKey: partitionKey, SortKey: sortKey, items: map[string]map[string]any{}}
		a.tables[name] = t
	}
	return t
}

// Bucket returns the store of a bucket, creating it.
func (a *AWS) Bucket(name string) *memstore.Bucket {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.buckets == nil {
		a.buckets = map[string]*memstore.Bucket{}
	}
	b, ok := a.buckets[name]
	if !ok {
		b = &memstore.Bucket{}
		a.buckets[name] = b
	}
	return b
}

// Messages returns what was published or sent to target ("" for all).
func (a *AWS) Messages(target string) []Message {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []Message
	for _, m := range a.messages {
		if target == "" || m.Target == target {
			out = append(out, m)
		}
	}
	return out
}

// hasQueues reports whether any queue is defined.
func (a *AWS) hasQueues() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.queues) > 0
}

// Queries returns the Athena queries run.
func (a *AWS) Queries() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.queries...)
}

func (a *AWS) nextID() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seq++
	return fmt.Sprintf("fake-%08d", a.seq)
}

// Resolve implements asl.Resolver for the services above.
func (a *AWS) Resolve(_, resource string, _ any) (asl.TaskHandler, bool) {
	service, action, _ := asl.TaskRequest{Resource: resource}.Integration()
	h, ok := map[string]func(context.Context, map[string]any) (any, error){
		"dynamodb/putItem":                   a.putItem,
		"dynamodb/getItem":                   a.getItem,
		"dynamodb/updateItem":                a.updateItem,
		"sns/publish":                        a.publish,
		"sqs/sendMessage":                    a.sendMessage,
		"s3/copyObject":                      a.copyObject,
		"s3/deleteObject":                    a.deleteObject,
		"s3/getObject":                       a.getObject,
		"s3/putObject":                       a.putObject,
		"athena/startQueryExecution":         a.startQuery,
		"glue/startJobRun":                   a.startJobRun,
		"rekognition/detectLabels":           a.detectLabels,
		"rekognition/detectModerationLabels": a.detectModeration,
		"sagemakerruntime/invokeEndpoint":    a.invokeEndpoint,
	}[service+"/"+action]
	if !ok {
		return nil, false
	}
	return asl.TaskFunc(func(ctx context.Context, req asl.TaskRequest) (any, error) {
		params, _ := req.Input.(map[string]any)
		if params == nil {
			return nil, &asl.Failure{Name: "States.TaskFailed", Cause: service + ":" + action + " needs an object of parameters"}
		}
		return h(ctx, params)
	}), true
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func obj(m map[string]any, k string) map[string]any {
	o, _ := m[k].(map[string]any)
	return o
}

func (a *AWS) table(params map[string]any) (*Table, error) {
	name := str(params, "TableName")
	a.mu.Lock()
	t, ok := a.tables[name]
	a.mu.Unlock()
	if !ok {
		return nil, &asl.Failure{Name: "DynamoDB.ResourceNotFoundException", Cause: "Requested resource not found: Table: " + name + " not found"}
	}
	return t, nil
}

func exprOf(params map[string]any) expression {
	return expression{names: obj(params, "ExpressionAttributeNames"), values: obj(params, "ExpressionAttributeValues")}
}

func (a *AWS) putItem(_ context.Context, params map[string]any) (any, error) {
	t, err := a.table(params)
	if err != nil {
		return nil, err
	}
	item := obj(params, "Item")
	if item[t.PartitionKey] == nil || (t.SortKey != "" && item[t.SortKey] == nil) {
		return nil, &asl.Failure{Name: "DynamoDB.ValidationException", Cause: "One of the required keys was not given a value"}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	key := t.keyOf(item)
	old := t.items[key]
	if old == nil {
		old = map[string]any{}
	}
	ok, err := exprOf(params).check(str(params, "ConditionExpression"), old)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, conditionFailed()
	}
	t.items[key] = copyItem(item)
	return map[string]any{}, nil
}

func (a *AWS) getItem(_ context.Context, params map[string]any) (any, error) {
	t, err := a.table(params)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if item, ok := t.items[t.keyOf(obj(params, "Key"))]; ok {
		return map[string]any{"Item": copyItem(item)}, nil
	}
	return map[string]any{}, nil
}

func (a *AWS) updateItem(_ context.Context, params map[string]any) (any, error) {
	t, err := a.table(params)
	if err != nil {
		return nil, err
	}
	key := obj(params, "Key")
	t.mu.Lock()
	defer t.mu.Unlock()
	k := t.keyOf(key)
	item := copyItem(t.items[k])
	if t.items[k] == nil {
		item = copyItem(key) // created only if the update succeeds
	}
	e := exprOf(params)
	existing := t.items[k]
	if existing == nil {
		existing = map[string]any{}
	}
	ok, err := e.check(str(params, "ConditionExpression"), existing)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, conditionFailed()
	}
	if err := e.update(str(params, "UpdateExpression"), item); err != nil {
		return nil, err
	}
	t.items[k] = item
	return map[string]any{}, nil
}

// messageText renders a message body as SNS and SQS receive it: a string
// as it is, anything else as JSON.
func messageText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func (a *AWS) record(m Message) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.messages = append(a.messages, m)
}

func (a *AWS) publish(_ context.Context, params map[string]any) (any, error) {
	topic := str(params, "TopicArn")
	if topic == "" {
		return nil, &asl.Failure{Name: "SNS.InvalidParameterException", Cause: "TopicArn is required"}
	}
	attrs := map[string]string{}
	for k, v := range obj(params, "MessageAttributes") {
		attrs[k] = str(v.(map[string]any), "StringValue")
	}
	id, err := a.Publish(topic, messageText(params["Message"]), str(params, "Subject"), attrs)
	if err != nil {
		return nil, &asl.Failure{Name: "SNS.NotFoundException", Cause: err.Error()}
	}
	return map[string]any{"MessageId": id}, nil
}

func (a *AWS) sendMessage(_ context.Context, params map[string]any) (any, error) {
	queue := str(params, "QueueUrl")
	if queue == "" {
		return nil, &asl.Failure{Name: "SQS.InvalidParameterValueException", Cause: "QueueUrl is required"}
	}
	body := messageText(params["MessageBody"])
	a.record(Message{Target: queue, Body: body})
	sum := md5.Sum([]byte(body))
	id, err := a.Enqueue(queue, body, nil)
	if err != nil {
		if a.hasQueues() {
			return nil, &asl.Failure{Name: "SQS.QueueDoesNotExistException", Cause: err.Error()}
		}
		id = a.nextID() // fakes without queues only record what was sent
	}
	return map[string]any{"MessageId": id, "MD5OfMessageBody": hex.EncodeToString(sum[:])}, nil
}

func (a *AWS) startQuery(_ context.Context, params map[string]any) (any, error) {
	q := str(params, "QueryString")
	a.mu.Lock()
	a.queries = append(a.queries, q)
	run := a.AthenaQuery
	a.mu.Unlock()
	id := a.nextID()
	if run != nil {
		if err := run(q); err != nil {
			return nil, &asl.Failure{Name: "Athena.AmazonAthenaException", Cause: err.Error()}
		}
	}
	if err := a.runPartitionDDL(q); err != nil {
		return nil, &asl.Failure{Name: "Athena.AmazonAthenaException", Cause: err.Error()}
	}
	return map[string]any{"QueryExecution": map[string]any{"QueryExecutionId": id, "Query": q, "Status": map[string]any{"State": "SUCCEEDED"}}}, nil
}

func (a *AWS) startJobRun(ctx context.Context, params map[string]any) (any, error) {
	args := map[string]string{}
	for k, v := range obj(params, "Arguments") {
		args[k] = fmt.Sprint(v)
	}
	id := a.nextID()
	if a.GlueJob != nil {
		if err := a.GlueJob(ctx, str(params, "JobName"), args); err != nil {
			return nil, &asl.Failure{Name: "States.TaskFailed", Cause: fmt.Sprintf(`{"JobRunState":"FAILED","ErrorMessage":%q}`, err.Error())}
		}
	}
	return map[string]any{"Id": id, "JobName": str(params, "JobName"), "JobRunState": "SUCCEEDED", "Arguments": obj(params, "Arguments")}, nil
}

func imageOf(params map[string]any) (string, string) {
	o := obj(obj(params, "Image"), "S3Object")
	return str(o, "Bucket"), str(o, "Name")
}

func (a *AWS) detectLabels(_ context.Context, params map[string]any) (any, error) {
	bucket, key := imageOf(params)
	if _, ok := a.Bucket(bucket).Get(key); !ok {
		return nil, &asl.Failure{Name: "Rekognition.InvalidS3ObjectException", Cause: "Unable to get object metadata from S3"}
	}
	labels := []any{}
	if a.Labels != nil {
		l, err := a.Labels(bucket, key)
		if err != nil {
			return nil, &asl.Failure{Name: "Rekognition.ThrottlingException", Cause: err.Error()}
		}
		if l != nil { // Rekognition answers [] rather than null
			labels = l
		}
	}
	return map[string]any{"Labels": labels, "LabelModelVersion": "3.0"}, nil
}

func (a *AWS) detectModeration(_ context.Context, params map[string]any) (any, error) {
	bucket, key := imageOf(params)
	if _, ok := a.Bucket(bucket).Get(key); !ok {
		return nil, &asl.Failure{Name: "Rekognition.InvalidS3ObjectException", Cause: "Unable to get object metadata from S3"}
	}
	labels := []any{}
	if a.Moderation != nil {
		l, err := a.Moderation(bucket, key)
		if err != nil {
			return nil, &asl.Failure{Name: "Rekognition.ThrottlingException", Cause: err.Error()}
		}
		if l != nil {
			labels = l
		}
	}
	return map[string]any{"ModerationLabels": labels, "ModerationModelVersion": "7.0"}, nil
}

func (a *AWS) invokeEndpoint(_ context.Context, params map[string]any) (any, error) {
	if a.Model == nil {
		return nil, &asl.Failure{Name: "SageMakerRuntime.ValidationErrorException", Cause: "no model is deployed at " + str(params, "EndpointName")}
	}
	body, err := a.Model(str(params, "EndpointName"), str(params, "Body"))
	if err != nil {
		return nil, &asl.Failure{Name: "SageMakerRuntime.ModelErrorException", Cause: err.Error()}
	}
	return map[string]any{"Body": body, "ContentType": "application/json"}, nil
}
