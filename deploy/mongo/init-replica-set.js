// Initiates the 3-member replica set once; re-running it is harmless.
try {
  rs.status();
  print("replica set already initiated");
} catch (e) {
  rs.initiate({
    _id: "rs0",
    members: [
      { _id: 0, host: "mongo-0:27017", priority: 2 },
      { _id: 1, host: "mongo-1:27017" },
      { _id: 2, host: "mongo-2:27017" },
    ],
  });
  print("replica set initiated");
}
