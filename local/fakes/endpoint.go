package fakes

import (
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// Endpoint serves the fakes over AWS's own wire protocols, so a handler
// running as a process of its own (see package lambdart) reaches the same
// tables and buckets through an unmodified AWS SDK: point the SDK at it
// with AWS_ENDPOINT_URL. It speaks DynamoDB's JSON 1.0 protocol
// (DynamoDBEndpoint), SQS's JSON protocol (SQSEndpoint) and S3's REST
// protocol in path style (S3Endpoint). Anything else gets the error AWS
// returns for an operation it does not know, never a silent success.
// Package edge routes the query protocols (SNS) by signature as well.
func (a *AWS) Endpoint() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target := r.Header.Get("X-Amz-Target")
		switch {
		case strings.HasPrefix(target, "DynamoDB_20120810."):
			a.serveDynamoDB(w, r, strings.TrimPrefix(target, "DynamoDB_20120810."))
		case strings.HasPrefix(target, "AmazonSQS."):
			a.SQSEndpoint().ServeHTTP(w, r)
		default:
			a.serveS3(w, r)
		}
	})
}

// DynamoDBEndpoint serves the tables over DynamoDB's JSON 1.0 protocol:
// GetItem, PutItem, UpdateItem, TransactWriteItems, and Scan,
// DescribeTable and ListTables to look at them.
func (a *AWS) DynamoDBEndpoint() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		operation, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "DynamoDB_20120810.")
		if !ok {
			writeDynamoDBError(w, "UnknownOperationException", "the request has no X-Amz-Target: DynamoDB_20120810.<Operation> header", nil)
			return
		}
		a.serveDynamoDB(w, r, operation)
	})
}

// S3Endpoint serves the buckets over S3's REST protocol in path style
// (/bucket/key): objects (GET with ranges, HEAD, PUT, copy, multipart
// uploads, DELETE) and listings (ListBuckets, ListObjects V1 and V2,
// HeadBucket). Package edge turns virtual-hosted requests into this form.
func (a *AWS) S3Endpoint() http.Handler { return http.HandlerFunc(a.serveS3) }

// wireRequest is a DynamoDB request in its JSON form; a transaction's
// actions have the same shape.
type wireRequest struct {
	TableName                           string
	Key, Item                           map[string]any
	ConditionExpression                 string
	UpdateExpression                    string
	ExpressionAttributeNames            map[string]string
	ExpressionAttributeValues           map[string]any
	ReturnValuesOnConditionCheckFailure types.ReturnValuesOnConditionCheckFailure
	TransactItems                       []struct {
		Put, Update, ConditionCheck, Delete *wireRequest
	}
}

func (a *AWS) serveDynamoDB(w http.ResponseWriter, r *http.Request, operation string) {
	var in wireRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 16<<20)).Decode(&in); err != nil {
		writeDynamoDBError(w, "SerializationException", "the request body is not JSON: "+err.Error(), nil)
		return
	}
	d := DynamoDB{AWS: a}
	ctx := r.Context()
	var out any
	var err error
	switch operation {
	case "GetItem":
		var got *dynamodb.GetItemOutput
		got, err = d.GetItem(ctx, &dynamodb.GetItemInput{TableName: &in.TableName, Key: fromJSONItem(in.Key)})
		if err == nil && got.Item != nil {
			out = map[string]any{"Item": toJSONItem(got.Item)}
		}
	case "PutItem":
		_, err = d.PutItem(ctx, &dynamodb.PutItemInput{TableName: &in.TableName, Item: fromJSONItem(in.Item),
			ConditionExpression: optional(in.ConditionExpression), ExpressionAttributeNames: in.ExpressionAttributeNames,
			ExpressionAttributeValues: fromJSONItem(in.ExpressionAttributeValues)})
	case "UpdateItem":
		_, err = d.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &in.TableName, Key: fromJSONItem(in.Key),
			UpdateExpression: optional(in.UpdateExpression), ConditionExpression: optional(in.ConditionExpression),
			ExpressionAttributeNames: in.ExpressionAttributeNames, ExpressionAttributeValues: fromJSONItem(in.ExpressionAttributeValues),
			ReturnValuesOnConditionCheckFailure: in.ReturnValuesOnConditionCheckFailure})
	case "TransactWriteItems":
		_, err = d.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: in.transactItems()})
	case "Scan", "DescribeTable", "ListTables":
		out, err = a.describe(operation, in.TableName)
	default:
		writeDynamoDBError(w, "UnknownOperationException", "the local DynamoDB does not implement "+operation, nil)
		return
	}
	if err != nil {
		writeSDKError(w, err)
		return
	}
	if out == nil {
		out = map[string]any{}
	}
	writeDynamoDB(w, http.StatusOK, out)
}

// describe answers the read-only calls a person makes to look at the
// tables: Scan (every item, in one page), DescribeTable and ListTables.
func (a *AWS) describe(operation, name string) (any, error) {
	if operation == "ListTables" {
		return map[string]any{"TableNames": append([]string{}, a.TableNames()...)}, nil
	}
	a.mu.Lock()
	t, ok := a.tables[name]
	a.mu.Unlock()
	if !ok {
		return nil, &types.ResourceNotFoundException{Message: aws.String("Requested resource not found: Table: " + name + " not found")}
	}
	items := t.Items()
	if operation == "Scan" {
		return map[string]any{"Items": items, "Count": len(items), "ScannedCount": len(items)}, nil
	}
	keys := []map[string]string{{"AttributeName": t.PartitionKey, "KeyType": "HASH"}}
	if t.SortKey != "" {
		keys = append(keys, map[string]string{"AttributeName": t.SortKey, "KeyType": "RANGE"})
	}
	return map[string]any{"Table": map[string]any{
		"TableName": t.Name, "TableStatus": "ACTIVE", "KeySchema": keys, "ItemCount": len(items),
		"TableArn":           "arn:aws:dynamodb:us-east-1:" + Account + ":table/" + t.Name,
		"BillingModeSummary": map[string]string{"BillingMode": "PAY_PER_REQUEST"},
	}}, nil
}

// writeDynamoDB writes a response document with the CRC32 DynamoDB sends,
// which the SDK checks.
func writeDynamoDB(w http.ResponseWriter, status int, doc any) {
	body, _ := json.Marshal(doc)
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (in *wireRequest) transactItems() []types.TransactWriteItem {
	items := make([]types.TransactWriteItem, len(in.TransactItems))
	for i, ti := range in.TransactItems {
		switch {
		case ti.Put != nil:
			items[i].Put = &types.Put{TableName: &ti.Put.TableName, Item: fromJSONItem(ti.Put.Item),
				ConditionExpression: optional(ti.Put.ConditionExpression), ExpressionAttributeNames: ti.Put.ExpressionAttributeNames,
				ExpressionAttributeValues: fromJSONItem(ti.Put.ExpressionAttributeValues)}
		case ti.Update != nil:
			items[i].Update = &types.Update{TableName: &ti.Update.TableName, Key: fromJSONItem(ti.Update.Key),
				UpdateExpression: optional(ti.Update.UpdateExpression), ConditionExpression: optional(ti.Update.ConditionExpression),
				ExpressionAttributeNames: ti.Update.ExpressionAttributeNames, ExpressionAttributeValues: fromJSONItem(ti.Update.ExpressionAttributeValues)}
		case ti.ConditionCheck != nil:
			items[i].ConditionCheck = &types.ConditionCheck{TableName: &ti.ConditionCheck.TableName, Key: fromJSONItem(ti.ConditionCheck.Key),
				ConditionExpression: optional(ti.ConditionCheck.ConditionExpression), ExpressionAttributeNames: ti.ConditionCheck.ExpressionAttributeNames,
				ExpressionAttributeValues: fromJSONItem(ti.ConditionCheck.ExpressionAttributeValues)}
		case ti.Delete != nil:
			items[i].Delete = &types.Delete{TableName: &ti.Delete.TableName, Key: fromJSONItem(ti.Delete.Key)}
		}
	}
	return items
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// writeSDKError writes a fake's error as DynamoDB's error document, which
// the SDK turns back into the same typed error.
func writeSDKError(w http.ResponseWriter, err error) {
	var (
		condition *types.ConditionalCheckFailedException
		cancelled *types.TransactionCanceledException
		missing   *types.ResourceNotFoundException
		apiErr    smithy.APIError
	)
	switch {
	case errors.As(err, &condition):
		extra := map[string]any{}
		if condition.Item != nil {
			extra["Item"] = toJSONItem(condition.Item)
		}
		writeDynamoDBError(w, "ConditionalCheckFailedException", aws.ToString(condition.Message), extra)
	case errors.As(err, &cancelled):
		reasons := make([]map[string]any, len(cancelled.CancellationReasons))
		for i, c := range cancelled.CancellationReasons {
			reasons[i] = map[string]any{"Code": aws.ToString(c.Code)}
		}
		writeDynamoDBError(w, "TransactionCanceledException", aws.ToString(cancelled.Message), map[string]any{"CancellationReasons": reasons})
	case errors.As(err, &missing):
		writeDynamoDBError(w, "ResourceNotFoundException", aws.ToString(missing.Message), nil)
	case errors.As(err, &apiErr):
		writeDynamoDBError(w, apiErr.ErrorCode(), apiErr.ErrorMessage(), nil)
	default: // what the fakes refuse to pretend to support
		writeDynamoDBError(w, "ValidationException", err.Error(), nil)
	}
}

func writeDynamoDBError(w http.ResponseWriter, code, message string, extra map[string]any) {
	doc := map[string]any{"__type": "com.amazonaws.dynamodb.v20120810#" + code, "message": message}
	for k, v := range extra {
		doc[k] = v
	}
	writeDynamoDB(w, http.StatusBadRequest, doc)
}
