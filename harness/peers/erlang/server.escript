#!/usr/bin/env escript
%% An Erlang/OTP ssl server for the alpncheck matrix: listens on 127.0.0.1:PORT with the given certificate and ALPN
%% list, then speaks the negotiated protocol just enough for SRV-PROTOCOL-DEFINITIVE: an HTTP/2 SETTINGS frame after
%% "h2" (RFC 9113 §3.4), an HTTP/1.1 answer otherwise.
%%   usage: escript server.escript PORT CERT KEY ALPN-LIST
-mode(compile).

main([Port, Cert, Key, Alpn]) ->
    {ok, _} = application:ensure_all_started(ssl),
    Protos = [list_to_binary(P) || P <- string:split(Alpn, ",", all)],
    %% Everything else, the TLS versions included, is OTP's default.
    {ok, L} = ssl:listen(list_to_integer(Port),
                         [binary, {active, false}, {reuseaddr, true}, {ip, {127, 0, 0, 1}},
                          {certfile, Cert}, {keyfile, Key},
                          {alpn_preferred_protocols, Protos}]),
    {ok, Vsn} = application:get_key(ssl, vsn),
    io:format("listening on 127.0.0.1:~s, ALPN ~s, OTP ~s ssl ~s~n", [Port, Alpn, erlang:system_info(otp_release), Vsn]),
    accept(L);
main(_) ->
    io:format(standard_error, "usage: escript server.escript PORT CERT KEY ALPN-LIST~n", []),
    halt(2).

accept(L) ->
    {ok, T} = ssl:transport_accept(L),
    Pid = spawn(fun() -> receive go -> serve(T) end end),
    ok = ssl:controlling_process(T, Pid),
    Pid ! go,
    accept(L).

serve(T) ->
    case ssl:handshake(T, 10000) of
        {ok, S} ->
            Proto = ssl:negotiated_protocol(S),
            {ok, [{protocol, V}]} = ssl:connection_information(S, [protocol]),
            io:format("negotiated ~p, ~p~n", [Proto, V]),
            speak(S, Proto),
            ssl:close(S);
        {error, E} ->
            io:format("handshake: ~p~n", [E])
    end.

speak(S, {ok, <<"h2">>}) ->
    ssl:send(S, <<0, 0, 0, 4, 0, 0, 0, 0, 0>>),
    ssl:recv(S, 0, 10000);
speak(S, _) ->
    case ssl:recv(S, 0, 10000) of
        {ok, _} ->
            Body = <<"hello from the Erlang/OTP ssl peer\n">>,
            ssl:send(S, [<<"HTTP/1.1 200 OK\r\nContent-Length: ">>, integer_to_binary(byte_size(Body)),
                         <<"\r\nConnection: close\r\n\r\n">>, Body]);
        _ ->
            ok
    end.
