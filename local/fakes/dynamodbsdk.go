package fakes

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DynamoDB is the fake tables behind the AWS SDK's DynamoDB client
// interface, so a handler's production data layer (its Dynamo* type) runs
// against the same tables the state machine's direct integrations write.
type DynamoDB struct {
	AWS *AWS
}

// GetItem implements the SDK call.
func (d DynamoDB) GetItem(ctx context.Context, in *dynamodb.GetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	out, err := d.AWS.getItem(ctx, map[string]any{"TableName": aws.ToString(in.TableName), "Key": toJSONItem(in.Key)})
	if err != nil {
		return nil, sdkError(err, nil)
	}
	item, _ := out.(map[string]any)["Item"].(map[string]any)
	if item == nil {
		return &dynamodb.GetItemOutput{}, nil
	}
	return &dynamodb.GetItemOutput{Item: fromJSONItem(item)}, nil
}

// PutItem implements the SDK call.
func (d DynamoDB) PutItem(ctx context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	_, err := d.AWS.putItem(ctx, expressionParams(aws.ToString(in.TableName), map[string]any{"Item": toJSONItem(in.Item)},
		aws.ToString(in.ConditionExpression), in.ExpressionAttributeNames, in.ExpressionAttributeValues))
	if err != nil {
		return nil, sdkError(err, nil)
	}
	return &dynamodb.PutItemOutput{}, nil
}

// UpdateItem implements the SDK call, including
// ReturnValuesOnConditionCheckFailure ALL_OLD.
func (d DynamoDB) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	params := expressionParams(aws.ToString(in.TableName), map[string]any{"Key": toJSONItem(in.Key), "UpdateExpression": aws.ToString(in.UpdateExpression)},
		aws.ToString(in.ConditionExpression), in.ExpressionAttributeNames, in.ExpressionAttributeValues)
	old, _ := d.GetItem(ctx, &dynamodb.GetItemInput{TableName: in.TableName, Key: in.Key})
	if _, err := d.AWS.updateItem(ctx, params); err != nil {
		var item map[string]types.AttributeValue
		if in.ReturnValuesOnConditionCheckFailure == types.ReturnValuesOnConditionCheckFailureAllOld && old != nil {
			item = old.Item
		}
		return nil, sdkError(err, item)
	}
	return &dynamodb.UpdateItemOutput{}, nil
}

// TransactWriteItems implements the SDK call: every condition is checked
// first, and only if all hold are the writes applied, all together.
func (d DynamoDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, _ ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	if len(in.TransactItems) > 100 {
		return nil, &types.TransactionCanceledException{Message: aws.String("a transaction holds at most 100 actions")}
	}
	d.AWS.txMu.Lock() // one transaction at a time, as DynamoDB serializes conflicting ones
	defer d.AWS.txMu.Unlock()
	reasons := make([]types.CancellationReason, len(in.TransactItems))
	failed := false
	type write struct {
		t    *Table
		key  string
		item map[string]any
	}
	var writes []write
	for i, ti := range in.TransactItems {
		reasons[i] = types.CancellationReason{Code: aws.String("None")}
		var tableName, cond, update string
		var key, item map[string]any
		var names map[string]string
		var values map[string]types.AttributeValue
		switch {
		case ti.Put != nil:
			tableName, item, cond, names, values = aws.ToString(ti.Put.TableName), toJSONItem(ti.Put.Item), aws.ToString(ti.Put.ConditionExpression), ti.Put.ExpressionAttributeNames, ti.Put.ExpressionAttributeValues
		case ti.Update != nil:
			tableName, key, update, cond, names, values = aws.ToString(ti.Update.TableName), toJSONItem(ti.Update.Key), aws.ToString(ti.Update.UpdateExpression), aws.ToString(ti.Update.ConditionExpression), ti.Update.ExpressionAttributeNames, ti.Update.ExpressionAttributeValues
		case ti.ConditionCheck != nil:
			tableName, key, cond, names, values = aws.ToString(ti.ConditionCheck.TableName), toJSONItem(ti.ConditionCheck.Key), aws.ToString(ti.ConditionCheck.ConditionExpression), ti.ConditionCheck.ExpressionAttributeNames, ti.ConditionCheck.ExpressionAttributeValues
		default:
			return nil, fmt.Errorf("the in-memory DynamoDB supports Put, Update and ConditionCheck in transactions")
		}
		t, err := d.AWS.table(map[string]any{"TableName": tableName})
		if err != nil {
			return nil, sdkError(err, nil)
		}
		if key == nil {
			key = item
		}
		e := exprOf(expressionParams(tableName, nil, cond, names, values))
		t.mu.Lock()
		k := t.keyOf(key)
		existing := copyItem(t.items[k])
		t.mu.Unlock()
		ok, err := e.check(cond, existing)
		if err != nil {
			return nil, sdkError(err, nil)
		}
		if !ok {
			reasons[i].Code, failed = aws.String("ConditionalCheckFailed"), true
			continue
		}
		switch {
		case ti.Put != nil:
			writes = append(writes, write{t, k, copyItem(item)})
		case ti.Update != nil:
			next := existing
			if len(next) == 0 {
				next = copyItem(key)
			}
			if err := e.update(update, next); err != nil {
				return nil, sdkError(err, nil)
			}
			writes = append(writes, write{t, k, next})
		}
	}
	if failed {
		return nil, &types.TransactionCanceledException{Message: aws.String("Transaction cancelled"), CancellationReasons: reasons}
	}
	for _, w := range writes {
		w.t.mu.Lock()
		w.t.items[w.key] = w.item
		w.t.mu.Unlock()
	}
	return &dynamodb.TransactWriteItemsOutput{}, nil
}

func expressionParams(table string, base map[string]any, cond string, names map[string]string, values map[string]types.AttributeValue) map[string]any {
	p := map[string]any{"TableName": table, "ConditionExpression": cond}
	for k, v := range base {
		p[k] = v
	}
	n := map[string]any{}
	for k, v := range names {
		n[k] = v
	}
	p["ExpressionAttributeNames"] = n
	p["ExpressionAttributeValues"] = toJSONItem(values)
	return p
}

// sdkError turns a fake's failure into the SDK's typed error.
func sdkError(err error, old map[string]types.AttributeValue) error {
	var f interface{ Error() string }
	if errors.As(err, &f) && strings.Contains(err.Error(), "ConditionalCheckFailedException") {
		return &types.ConditionalCheckFailedException{Message: aws.String("The conditional request failed"), Item: old}
	}
	if strings.Contains(err.Error(), "ResourceNotFoundException") {
		return &types.ResourceNotFoundException{Message: aws.String(err.Error())}
	}
	return err
}

// toJSONItem renders SDK attribute values in DynamoDB's JSON form.
func toJSONItem(item map[string]types.AttributeValue) map[string]any {
	if item == nil {
		return nil
	}
	out := make(map[string]any, len(item))
	for k, v := range item {
		out[k] = toJSONValue(v)
	}
	return out
}

func toJSONValue(v types.AttributeValue) any {
	switch x := v.(type) {
	case *types.AttributeValueMemberS:
		return map[string]any{"S": x.Value}
	case *types.AttributeValueMemberN:
		return map[string]any{"N": x.Value}
	case *types.AttributeValueMemberBOOL:
		return map[string]any{"BOOL": x.Value}
	case *types.AttributeValueMemberNULL:
		return map[string]any{"NULL": x.Value}
	case *types.AttributeValueMemberSS:
		l := make([]any, len(x.Value))
		for i, s := range x.Value {
			l[i] = s
		}
		return map[string]any{"SS": l}
	case *types.AttributeValueMemberNS:
		l := make([]any, len(x.Value))
		for i, s := range x.Value {
			l[i] = s
		}
		return map[string]any{"NS": l}
	case *types.AttributeValueMemberL:
		l := make([]any, len(x.Value))
		for i, e := range x.Value {
			l[i] = toJSONValue(e)
		}
		return map[string]any{"L": l}
	case *types.AttributeValueMemberM:
		return map[string]any{"M": toJSONItem(x.Value)}
	}
	return nil
}

// fromJSONItem reads DynamoDB's JSON form back into SDK attribute values.
func fromJSONItem(item map[string]any) map[string]types.AttributeValue {
	out := make(map[string]types.AttributeValue, len(item))
	for k, v := range item {
		if av := fromJSONValue(v); av != nil {
			out[k] = av
		}
	}
	return out
}

func fromJSONValue(v any) types.AttributeValue {
	m, _ := v.(map[string]any)
	for typ, val := range m {
		switch typ {
		case "S":
			return &types.AttributeValueMemberS{Value: fmt.Sprint(val)}
		case "N":
			return &types.AttributeValueMemberN{Value: fmt.Sprint(val)}
		case "BOOL":
			b, _ := val.(bool)
			return &types.AttributeValueMemberBOOL{Value: b}
		case "NULL":
			return &types.AttributeValueMemberNULL{Value: true}
		case "SS", "NS":
			var l []string
			for _, e := range val.([]any) {
				l = append(l, fmt.Sprint(e))
			}
			if typ == "SS" {
				return &types.AttributeValueMemberSS{Value: l}
			}
			return &types.AttributeValueMemberNS{Value: l}
		case "L":
			var l []types.AttributeValue
			for _, e := range val.([]any) {
				l = append(l, fromJSONValue(e))
			}
			return &types.AttributeValueMemberL{Value: l}
		case "M":
			sub, _ := val.(map[string]any)
			return &types.AttributeValueMemberM{Value: fromJSONItem(sub)}
		}
	}
	return nil
}
