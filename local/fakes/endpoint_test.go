package fakes

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

//lint:file-ignore SA1019 the test uploads through feature/s3/manager, the uploader the handlers use (lambdas/objectstore), so the fake is proven against the same client.

// endpointConfig serves fake AWS over HTTP and loads the SDK configuration
// the way a handler's main does, from the environment a local function
// process gets.
func endpointConfig(tb testing.TB, fake *AWS, checksums string) aws.Config {
	tb.Helper()
	srv := httptest.NewServer(fake.Endpoint())
	tb.Cleanup(srv.Close)
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": srv.URL, "AWS_REGION": "us-east-1",
		"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_SESSION_TOKEN": "",
		"AWS_REQUEST_CHECKSUM_CALCULATION": checksums, "AWS_RESPONSE_CHECKSUM_VALIDATION": "", "AWS_PROFILE": "", "AWS_CONFIG_FILE": "/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
	} {
		tb.Setenv(k, v)
	}
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return cfg
}

func TestEndpointServesS3ObjectsThroughTheSDK(t *testing.T) {
	// The SDK frames uploads differently with and without checksums.
	for _, checksums := range []string{"when_supported", "when_required"} {
		t.Run(checksums, func(t *testing.T) {
			fake := &AWS{}
			fake.Bucket("raw")
			client := s3.NewFromConfig(endpointConfig(t, fake, checksums))
			uploader := manager.NewUploader(client, func(u *manager.Uploader) { u.PartSize = 8 << 20 })
			ctx := context.Background()
			big := make([]byte, 9<<20) // past the uploader's 8 MiB part: a multipart upload
			_, _ = rand.Read(big)
			for key, data := range map[string][]byte{"in/small.csv": []byte("sku,qty\na,1\n"), "in/big.bin": big} {
				_, err := uploader.Upload(ctx, &s3.PutObjectInput{Bucket: aws.String("raw"), Key: aws.String(key), Body: bytes.NewReader(data), ContentType: aws.String("text/csv")})
				if err != nil {
					t.Fatalf("uploading %s: %v", key, err)
				}
				if got, _ := fake.Bucket("raw").Get(key); !bytes.Equal(got, data) {
					t.Fatalf("the fake bucket holds %d bytes of %s, want %d", len(got), key, len(data))
				}
				out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("raw"), Key: aws.String(key)})
				if err != nil {
					t.Fatal(err)
				}
				got, _ := io.ReadAll(out.Body)
				out.Body.Close()
				if !bytes.Equal(got, data) {
					t.Errorf("reading %s back gave %d bytes, want %d", key, len(got), len(data))
				}
			}
			// S3 sends no checksum with a range, so the SDK is told not to ask for one.
			noChecksum := func(o *s3.Options) { o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired }
			for _, tt := range []struct{ rng, want, contentRange string }{
				{"bytes=0-2", "sku", "bytes 0-2/12"},
				{"bytes=-3", ",1\n", "bytes 9-11/12"},
				{"bytes=4-1003", "qty\na,1\n", "bytes 4-11/12"},
			} {
				out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("raw"), Key: aws.String("in/small.csv"), Range: aws.String(tt.rng)}, noChecksum)
				if err != nil {
					t.Errorf("GetObject(%s): %v", tt.rng, err)
					continue
				}
				got, _ := io.ReadAll(out.Body)
				out.Body.Close()
				if string(got) != tt.want || aws.ToString(out.ContentRange) != tt.contentRange {
					t.Errorf("GetObject(%s) = %q, Content-Range %q; want %q, %q", tt.rng, got, aws.ToString(out.ContentRange), tt.want, tt.contentRange)
				}
			}
			var apiErr smithy.APIError
			_, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("raw"), Key: aws.String("in/small.csv"), Range: aws.String("bytes=100-104")}, noChecksum)
			if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidRange" {
				t.Errorf("a range past the end: %v, want InvalidRange", err)
			}
			var missing *s3types.NoSuchKey
			if _, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("raw"), Key: aws.String("in/missing.csv")}); !errors.As(err, &missing) {
				t.Errorf("a missing key: %v, want NoSuchKey", err)
			}
			if _, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("no-such-bucket"), Key: aws.String("x")}); !errors.As(err, &apiErr) || apiErr.ErrorCode() != "NoSuchBucket" {
				t.Errorf("a missing bucket: %v, want NoSuchBucket", err)
			}
		})
	}
}

func TestEndpointServesDynamoDBThroughTheSDK(t *testing.T) {
	fake := &AWS{}
	fake.Table("Ledger", "pk", "")
	db := dynamodb.NewFromConfig(endpointConfig(t, fake, "when_required"))
	ctx := context.Background()
	put := &dynamodb.PutItemInput{
		TableName:           aws.String("Ledger"),
		Item:                map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "run-1"}, "n": &types.AttributeValueMemberN{Value: "1"}},
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	}
	if _, err := db.PutItem(ctx, put); err != nil {
		t.Fatal(err)
	}
	var condition *types.ConditionalCheckFailedException
	if _, err := db.PutItem(ctx, put); !errors.As(err, &condition) {
		t.Errorf("a second conditional put: %v, want ConditionalCheckFailedException", err)
	}
	_, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String("Ledger"), Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "run-1"}},
		UpdateExpression:          aws.String("SET #s = :s ADD n :one"),
		ExpressionAttributeNames:  map[string]string{"#s": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":s": &types.AttributeValueMemberS{Value: "DONE"}, ":one": &types.AttributeValueMemberN{Value: "1"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("Ledger"), Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "run-1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := got.Item["status"].(*types.AttributeValueMemberS); s == nil || s.Value != "DONE" {
		t.Errorf("item after the update: %v", got.Item)
	}
	if n, _ := got.Item["n"].(*types.AttributeValueMemberN); n == nil || n.Value != "2" {
		t.Errorf("counter after ADD: %v, want 2", got.Item["n"])
	}

	// GIVEN a transaction whose second condition fails THEN nothing is
	// written and the reasons say which action failed.
	_, err = db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("Ledger"), Item: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "run-2"}}}},
		{Put: &types.Put{TableName: aws.String("Ledger"), Item: put.Item, ConditionExpression: put.ConditionExpression}},
	}})
	var cancelled *types.TransactionCanceledException
	if !errors.As(err, &cancelled) || len(cancelled.CancellationReasons) != 2 ||
		aws.ToString(cancelled.CancellationReasons[1].Code) != "ConditionalCheckFailed" {
		t.Errorf("the failed transaction: %v, want TransactionCanceledException with the second reason ConditionalCheckFailed", err)
	}
	if fake.Table("Ledger", "pk", "").Get("run-2") != nil {
		t.Error("a cancelled transaction wrote its first action")
	}

	var missing *types.ResourceNotFoundException
	if _, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("Nope"), Key: put.Item}); !errors.As(err, &missing) {
		t.Errorf("a missing table: %v, want ResourceNotFoundException", err)
	}
	var apiErr smithy.APIError
	if _, err := db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("Ledger")}); !errors.As(err, &apiErr) || apiErr.ErrorCode() != "UnknownOperationException" {
		t.Errorf("an operation the fake lacks: %v, want UnknownOperationException", err)
	}
}

func TestEndpointDecodesAWSChunkedUploads(t *testing.T) {
	fake := &AWS{}
	fake.Bucket("raw")
	body := "5;chunk-signature=abc\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n"
	req := httptest.NewRequest(http.MethodPut, "/raw/greeting.txt", strings.NewReader(body))
	req.Header.Set("Content-Encoding", "aws-chunked")
	rec := httptest.NewRecorder()
	fake.Endpoint().ServeHTTP(rec, req)
	if got, _ := fake.Bucket("raw").Get("greeting.txt"); rec.Code != http.StatusOK || string(got) != "hello world" {
		t.Errorf("status %d, object %q; want 200 and the chunks joined", rec.Code, got)
	}

	req = httptest.NewRequest(http.MethodPut, "/raw/broken.txt", strings.NewReader("zz\r\nhello"))
	req.Header.Set("Content-Encoding", "aws-chunked")
	rec = httptest.NewRecorder()
	fake.Endpoint().ServeHTTP(rec, req)
	if _, stored := fake.Bucket("raw").Get("broken.txt"); rec.Code != http.StatusBadRequest || stored {
		t.Errorf("a malformed chunked body: status %d, stored %v; want 400 and nothing stored", rec.Code, stored)
	}
}
