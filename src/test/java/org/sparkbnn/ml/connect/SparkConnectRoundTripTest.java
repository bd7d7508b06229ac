package org.sparkbnn.ml.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.apache.spark.SparkEnv;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.MlCommand;
import org.apache.spark.connect.proto.MlOperator;
import org.apache.spark.connect.proto.MlParams;
import org.apache.spark.connect.proto.MlRelation;
import org.apache.spark.connect.proto.ObjectRef;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Read;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.SparkConnectServiceGrpc;
import org.apache.spark.connect.proto.UserContext;
import org.apache.spark.connect.proto.WriteOperation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connect.service.SparkConnectService$;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;
import org.sparkbnn.ml.BayesByBackpropRegressionModel;
import org.sparkbnn.ml.BayesByBackpropRegressor;
import org.sparkproject.connect.grpc.ManagedChannel;
import org.sparkproject.connect.grpc.ManagedChannelBuilder;

/**
 * A round trip through a real Spark Connect server (Spark 4 only; compiled in the spark4 profile): the server
 * is started on the test's SparkContext, and a client speaks its gRPC protocol as Spark's Connect clients do
 * (MlCommand.Fit with the estimator named by class, Params by name, a dataset read from Parquet; then an
 * MlRelation.Transform of the fitted model's server-side reference, written back to Parquet). The scored rows must
 * equal the same fit and transform run directly.
 */
class SparkConnectRoundTripTest {
  @TempDir Path dir;

  @Test
  void aClientFitsAndTransformsThroughTheConnectServer() throws Exception {
    SparkSession spark = SparkTestSession.get();
    String input = dir.resolve("sine.parquet").toString();
    SyntheticData.sine(spark, 200, 0.1, 1, 1).write().parquet(input);
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    SparkEnv.get().conf().set("spark.connect.grpc.binding.port", String.valueOf(port));
    SparkConnectService$.MODULE$.start(spark.sparkContext());
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      SparkConnectServiceGrpc.SparkConnectServiceBlockingStub client = SparkConnectServiceGrpc.newBlockingStub(channel);
      String session = UUID.randomUUID().toString();
      Relation read = Relation.newBuilder().setRead(Read.newBuilder().setDataSource(
          Read.DataSource.newBuilder().setFormat("parquet").addPaths(input))).build();

      MlCommand fit = MlCommand.newBuilder().setFit(MlCommand.Fit.newBuilder()
          .setEstimator(MlOperator.newBuilder().setName(BayesByBackpropRegressor.class.getName())
              .setUid("connectRegressor").setType(MlOperator.OperatorType.OPERATOR_TYPE_ESTIMATOR))
          .setParams(MlParams.newBuilder()
              .putParams("maxEpochs", Expression.Literal.newBuilder().setInteger(3).build())
              .putParams("epistemicVarianceCol", Expression.Literal.newBuilder().setString("epistemic").build()))
          .setDataset(read)).build();
      String modelRef = null;
      Iterator<ExecutePlanResponse> responses = client.executePlan(request(session,
          Plan.newBuilder().setCommand(Command.newBuilder().setMlCommand(fit)).build()));
      while (responses.hasNext()) {
        ExecutePlanResponse r = responses.next();
        if (r.hasMlCommandResult()) modelRef = r.getMlCommandResult().getOperatorInfo().getObjRef().getId();
      }
      assertTrue(modelRef != null && !modelRef.isEmpty(), "the server returned a reference to the fitted model");

      String output = dir.resolve("scored.parquet").toString();
      Relation transformed = Relation.newBuilder().setMlRelation(MlRelation.newBuilder().setTransform(
          MlRelation.Transform.newBuilder().setObjRef(ObjectRef.newBuilder().setId(modelRef)).setInput(read)))
          .build();
      Command write = Command.newBuilder().setWriteOperation(WriteOperation.newBuilder().setInput(transformed)
          .setSource("parquet").setPath(output).setMode(WriteOperation.SaveMode.SAVE_MODE_OVERWRITE)).build();
      client.executePlan(request(session, Plan.newBuilder().setCommand(write).build())).forEachRemaining(r -> { });

      BayesByBackpropRegressionModel direct = new BayesByBackpropRegressor("connectRegressor").setMaxEpochs(3)
          .setEpistemicVarianceCol("epistemic").fit(spark.read().parquet(input));
      List<Row> expected = direct.transform(spark.read().parquet(input))
          .select("label", "prediction", "variance", "epistemic").orderBy("label").collectAsList();
      List<Row> viaConnect = spark.read().parquet(output)
          .select("label", "prediction", "variance", "epistemic").orderBy("label").collectAsList();
      assertEquals(200, viaConnect.size());
      assertEquals(expected, viaConnect, "same seed, data and partitioning: the same model and outputs");
    } finally {
      channel.shutdownNow();
      SparkConnectService$.MODULE$.stop(scala.Option.empty(), scala.Option.empty());
    }
  }

  private static ExecutePlanRequest request(String session, Plan plan) {
    return ExecutePlanRequest.newBuilder().setSessionId(session)
        .setUserContext(UserContext.newBuilder().setUserId("spark-bnn-test")).setPlan(plan).build();
  }
}
