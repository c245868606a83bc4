#!/usr/bin/env escript
%% An Erlang/OTP ssl client for the alpncheck matrix: connects to HOST:PORT, verifies the server against CA-FILE for
%% SERVER-NAME (default localhost), offers the ALPN list and prints the negotiated protocol. Exit status 0 after a
%% completed handshake, 1 when it failed, 2 on usage errors.
%%   usage: escript client.escript HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]
-mode(compile).

main([Host, Port, Ca, Alpn]) ->
    main([Host, Port, Ca, Alpn, "localhost"]);
main([Host, Port, Ca, Alpn, Name]) ->
    {ok, _} = application:ensure_all_started(ssl),
    %% An empty list: no ALPN extension at all.
    AlpnOpt = case Alpn of
                  "" -> [];
                  _ -> [{alpn_advertised_protocols, [list_to_binary(P) || P <- string:split(Alpn, ",", all)]}]
              end,
    Opts = [binary, {active, false}, {verify, verify_peer}, {cacertfile, Ca}, {server_name_indication, Name},
            {customize_hostname_check, []}] ++ AlpnOpt,
    case ssl:connect(Host, list_to_integer(Port), Opts, 10000) of
        {ok, S} ->
            io:format("negotiated: ~p~n", [ssl:negotiated_protocol(S)]),
            ssl:close(S),
            halt(0);
        {error, E} ->
            io:format(standard_error, "handshake failed: ~p~n", [E]),
            halt(1)
    end;
main(_) ->
    io:format(standard_error, "usage: escript client.escript HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]~n", []),
    halt(2).
