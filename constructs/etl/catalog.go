package etl

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsathena"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsglue"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/workflows/etl/contract"
)

// PartitionKey is the curated table's partition column.
const PartitionKey = "run_date"

// Catalog makes the curated data queryable: a Glue database and table whose
// columns come from the same Schema the transform validates against, and an
// Athena workgroup whose results are encrypted with the workflow's key.
type Catalog struct {
	constructs.Construct

	Database      awsglue.CfnDatabase
	Table         awsglue.CfnTable
	WorkGroup     awsathena.CfnWorkGroup
	DatabaseName  string
	TableName     string
	WorkGroupName *string
}

func newCatalog(scope constructs.Construct, e *ETL, p Props) *Catalog {
	this := constructs.NewConstruct(scope, jsii.String("Catalog"))
	c := &Catalog{Construct: this, DatabaseName: p.DatabaseName, TableName: contract.Sales.Name}
	account := awscdk.Stack_Of(this).Account()
	c.Database = awsglue.NewCfnDatabase(this, jsii.String("Database"), &awsglue.CfnDatabaseProps{
		CatalogId:     account,
		DatabaseInput: &awsglue.CfnDatabase_DatabaseInputProperty{Name: jsii.String(c.DatabaseName), Description: jsii.String("Curated data of the sfnkit ETL workflow")},
	})

	var columns []interface{}
	for _, col := range contract.Sales.Columns {
		columns = append(columns, &awsglue.CfnTable_ColumnProperty{Name: jsii.String(col.Name), Type: jsii.String(col.GlueType())})
	}
	columns = append(columns,
		&awsglue.CfnTable_ColumnProperty{Name: jsii.String(contract.ColumnSourceObject), Type: jsii.String("string")},
		&awsglue.CfnTable_ColumnProperty{Name: jsii.String(contract.ColumnSourceLine), Type: jsii.String("bigint")})
	c.Table = awsglue.NewCfnTable(this, jsii.String("Table"), &awsglue.CfnTableProps{
		CatalogId:    account,
		DatabaseName: jsii.String(c.DatabaseName),
		TableInput: &awsglue.CfnTable_TableInputProperty{
			Name:          jsii.String(c.TableName),
			Description:   jsii.String("Validated, normalized rows; one partition per run date"),
			TableType:     jsii.String("EXTERNAL_TABLE"),
			Parameters:    map[string]interface{}{"classification": "json", "compressionType": "gzip"},
			PartitionKeys: []interface{}{&awsglue.CfnTable_ColumnProperty{Name: jsii.String(PartitionKey), Type: jsii.String("string")}},
			StorageDescriptor: &awsglue.CfnTable_StorageDescriptorProperty{
				Columns:      columns,
				Location:     jsii.String("s3://" + *e.Buckets.Curated.BucketName() + "/" + c.TableName + "/"),
				InputFormat:  jsii.String("org.apache.hadoop.mapred.TextInputFormat"),
				OutputFormat: jsii.String("org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"),
				SerdeInfo:    &awsglue.CfnTable_SerdeInfoProperty{SerializationLibrary: jsii.String("org.openx.data.jsonserde.JsonSerDe")},
			},
		},
	})
	c.Table.Node().AddDependency(c.Database)

	c.WorkGroupName = awscdk.Names_UniqueResourceName(this, &awscdk.UniqueResourceNameOptions{MaxLength: jsii.Number(128)})
	c.WorkGroup = awsathena.NewCfnWorkGroup(this, jsii.String("WorkGroup"), &awsathena.CfnWorkGroupProps{
		Name:                  c.WorkGroupName,
		Description:           jsii.String("Registers the ETL workflow's partitions; results encrypted with the workflow key"),
		RecursiveDeleteOption: jsii.Bool(true),
		WorkGroupConfiguration: &awsathena.CfnWorkGroup_WorkGroupConfigurationProperty{
			EnforceWorkGroupConfiguration:   jsii.Bool(true),
			PublishCloudWatchMetricsEnabled: jsii.Bool(true),
			ResultConfiguration: &awsathena.CfnWorkGroup_ResultConfigurationProperty{
				OutputLocation: jsii.String("s3://" + *e.Buckets.Work.BucketName() + "/" + AthenaResultsPrefix + "/"),
				EncryptionConfiguration: &awsathena.CfnWorkGroup_EncryptionConfigurationProperty{
					EncryptionOption: jsii.String("SSE_KMS"),
					KmsKey:           e.Key.KeyArn(),
				},
			},
		},
	})
	return c
}

// addPartitionQuery is the Athena statement that adds a run date's
// partition, pointing at this run's prefix, unless the date has one: a
// States.Format template of the run date (twice) and the run id. The run
// date and run id have been validated by StartRun (YYYY-MM-DD,
// contract.RunIDPattern), so they cannot carry SQL.
func (c *Catalog) addPartitionQuery(curatedBucket string) string {
	return "ALTER TABLE " + c.quotedTable() + " ADD IF NOT EXISTS PARTITION (" + c.partitionSpec() + ") LOCATION " + c.runLocation(curatedBucket)
}

// switchPartitionQuery points a run date's partition at this run's prefix:
// a partition an earlier run added keeps that run's location otherwise, and
// shows its rows rather than this run's. Same template as addPartitionQuery.
func (c *Catalog) switchPartitionQuery(curatedBucket string) string {
	return "ALTER TABLE " + c.quotedTable() + " PARTITION (" + c.partitionSpec() + ") SET LOCATION " + c.runLocation(curatedBucket)
}

func (c *Catalog) quotedTable() string {
	return "`" + c.DatabaseName + "`.`" + c.TableName + "`"
}

func (c *Catalog) partitionSpec() string {
	return PartitionKey + " = \\'{}\\'"
}

// runLocation is the run's prefix, with a run date and a run id
// placeholder.
func (c *Catalog) runLocation(curatedBucket string) string {
	return "\\'s3://" + curatedBucket + "/" + contract.RunPrefix(c.TableName, "{}", "{}") + "\\'"
}
