// Mosaic's GraphiQL: the endpoints follow the page's own address (scheme, host and path),
// so the playground works behind a proxy too, with wss:// under https://.
(function () {
  var page = new URL(window.location.href);
  var http = new URL('graphql', page);
  var ws = new URL('graphql/ws', page);
  ws.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
  var fetcher = GraphiQL.createFetcher({ url: http.toString(), subscriptionUrl: ws.toString() });
  var plugins = [GraphiQLPluginExplorer.explorerPlugin()];
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      plugins: plugins,
      defaultEditorToolsVisibility: true,
    }),
  );
})();
